//! The copy engine: the patches of a plan copied into a contiguous buffer,
//! through the strided kernel for views and the interior box of padded
//! plans, through the row walker for the rest, on several threads for
//! large copies.

use std::convert::Infallible;

use crate::element::{Element, as_bits, as_bits_mut};
use crate::error::Result;
use crate::interior::InteriorBox;
use crate::order::{PatchOrder, ordered};
use crate::plan::Plan;
use crate::strided::{Strided, copy_rows};
use crate::threads::{in_parts, parallel_parts};
use crate::walk::{Rows, RunWeights, Sink, Walk};

/// Copies with a known fill value; the shared core of the typed and byte
/// paths. Everything it needs is prepared (and any allocation made)
/// before the first element is written.
pub(crate) fn copy_patches<T: Copy + Send + Sync>(
    plan: &Plan,
    src: &[T],
    dst: &mut [T],
    order: PatchOrder,
    fill: T,
) -> Result<()> {
    if plan.copy_len() == 0 {
        return Ok(());
    }
    let bytes = plan.copy_len() * size_of::<T>();
    let n_outer = plan.outer_shape().len();
    if let Ok(view_strides) = plan.view_strides() {
        let dims = ordered(plan.shape(), view_strides, n_outer, order);
        return gather_view(dims, plan.layout().offset(), src, dst);
    }
    let walk = Walk::new(
        plan,
        plan.layout().strides(),
        plan.layout().offset(),
        order,
        None,
    )?;
    let block = walk.block();
    let (n, per) = walk.split_axis();
    // In patch-major order the patches that read no padding are a strided
    // view: they go through the strided kernel, and only the border patches
    // through the row walker.
    let interior = match order {
        PatchOrder::PatchMajor => InteriorBox::of(plan, &walk, size_of::<T>()),
        PatchOrder::FeatureMajor => None,
    };
    let Ok(()) = in_parts::<T, Infallible>(dst, n, per, parallel_parts(n, bytes), |part, range| {
        if let Some(interior) = &interior {
            interior.gather(src, part, range.clone());
        }
        let mut sink = CopySink {
            src,
            dst: part,
            first: range.start * per,
            block,
            fill,
        };
        match &interior {
            Some(interior) => {
                interior.border(&walk, range, |ranges| walk.run_ranges(ranges, &mut sink))
            }
            None => walk.run_part(range, &mut sink),
        }
        Ok(())
    });
    Ok(())
}

/// Copies the strided array of axes `dims` (`(len, stride)` in C order,
/// from `offset`, checked against `src` by the caller) into `dst`, which
/// holds exactly its elements: the strided kernel (merged axes, row
/// kernels compiled for the common run lengths), on several threads for
/// large copies. The one gather of every view: plans and arranged views.
pub(crate) fn gather_view<T: Copy + Send + Sync>(
    dims: impl Iterator<Item = (usize, isize)> + Clone,
    offset: usize,
    src: &[T],
    dst: &mut [T],
) -> Result<()> {
    if dst.is_empty() {
        return Ok(());
    }
    let bytes = std::mem::size_of_val(dst);
    let kernel = Strided::new(dims, offset, size_of::<T>())?;
    let (n, per) = kernel.split();
    let Ok(()) = in_parts::<T, Infallible>(dst, n, per, parallel_parts(n, bytes), |part, range| {
        kernel.gather(src, part, range.start, range.end);
        Ok(())
    });
    Ok(())
}

/// [`copy_patches`] for an element type, moved as the unsigned integers of its
/// size so that one kernel serves every type of a width.
pub(crate) fn copy_typed<T: Element>(
    plan: &Plan,
    src: &[T],
    dst: &mut [T],
    order: PatchOrder,
    fill: T,
) -> Result<()> {
    let fill = as_bits(std::slice::from_ref(&fill))[0];
    copy_patches(plan, as_bits(src), as_bits_mut(dst), order, fill)
}

/// Copies the pieces of a walk from `src` into `dst`. `dst` may be a part of
/// the whole output starting at element `first`.
struct CopySink<'a, T> {
    src: &'a [T],
    dst: &'a mut [T],
    first: usize,
    block: usize,
    fill: T,
}

impl<T: Copy> Sink for CopySink<'_, T> {
    const OVERWRITES: bool = true;

    #[inline]
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        _real: bool,
        _w: RunWeights<'_>,
    ) {
        let b = self.block;
        let out = out - self.first;
        if n == 1 || step == b as isize {
            let len = n * b;
            copy_run(&mut self.dst[out..out + len], &self.src[src..src + len]);
        } else if b == 1 && step > 0 {
            let dst = &mut self.dst[out..out + n];
            match step {
                2 => gather_every::<T, 2>(dst, &self.src[src..]),
                3 => gather_every::<T, 3>(dst, &self.src[src..]),
                4 => gather_every::<T, 4>(dst, &self.src[src..]),
                _ => {
                    for (d, s) in dst
                        .iter_mut()
                        .zip(self.src[src..].iter().step_by(step as usize))
                    {
                        *d = *s;
                    }
                }
            }
        } else if b == 1 {
            let dst = &mut self.dst[out..out + n];
            let mut at = src as isize;
            for d in dst {
                *d = self.src[at as usize];
                at = at.wrapping_add(step);
            }
        } else {
            let mut at = src as isize;
            for chunk in self.dst[out..out + n * b].chunks_exact_mut(b) {
                let s = at as usize;
                copy_run(chunk, &self.src[s..s + b]);
                at = at.wrapping_add(step);
            }
        }
    }

    #[inline]
    fn rows(&mut self, r: Rows) {
        let len = r.n * r.block;
        let out = r.out - self.first;
        if r.out_step != len || r.rows == 0 {
            let mut at = r.src as isize;
            for i in 0..r.rows {
                let s = at as usize;
                let o = out + i * r.out_step;
                copy_run(&mut self.dst[o..o + len], &self.src[s..s + len]);
                at = at.wrapping_add(r.src_step);
            }
            return;
        }
        if r.src_step == len as isize {
            // The rows follow each other in the source too: one run.
            let n = r.rows * len;
            copy_run(&mut self.dst[out..out + n], &self.src[r.src..r.src + n]);
            return;
        }
        copy_rows(
            &mut self.dst[out..out + r.rows * len],
            self.src,
            r.src as isize,
            r.src_step,
            len,
        );
    }

    #[inline]
    fn remapped(&mut self, out: usize, src: usize) {
        let out = out - self.first;
        let b = self.block;
        self.dst[out..out + b].copy_from_slice(&self.src[src..src + b]);
    }

    #[inline]
    fn constant(&mut self, out: usize, n: usize) {
        let out = out - self.first;
        self.dst[out..out + n * self.block].fill(self.fill);
    }
}

/// `dst[i] = src[i * S]`: a strided gather written over chunks of `S`
/// elements so that the compiler can turn it into vector shuffles.
#[inline]
fn gather_every<T: Copy, const S: usize>(dst: &mut [T], src: &[T]) {
    let Some((last, head)) = dst.split_last_mut() else {
        return;
    };
    let (chunks, _) = src[..head.len() * S].as_chunks::<S>();
    for (d, c) in head.iter_mut().zip(chunks) {
        *d = c[0];
    }
    *last = src[head.len() * S];
}

/// Copies one contiguous run.
#[inline(always)]
fn copy_run<T: Copy>(dst: &mut [T], src: &[T]) {
    dst.copy_from_slice(src);
}
