//! The kernel of plans that are views: a strided N-d array moved to or from
//! a contiguous buffer (gather for extract, scatter for folds whose
//! windows do not overlap).
//!
//! Adjacent axes are merged ([`merge_axes`]) so that the innermost loop
//! moves the longest contiguous run (`p*C` elements for ViT); the loop nest
//! is compiled for the common run lengths so a short run is a few vector
//! moves instead of a `memcpy` call; the crate's odometer walks the outer
//! axes, updating both offsets incrementally. In *band mode* one contiguous strided row feeds a row of
//! several consecutive blocks at once, so the strided side is read or
//! written sequentially while the contiguous side stays in cache.

use std::ops::Range;

use crate::error::Result;
use crate::merge::{Merged, merge_axes};
use crate::odometer::{Axes, MAX_AXES, too_many_axes, walk_box};

/// A strided array walked in C order of its shape, against a contiguous one.
#[derive(Debug, Clone)]
pub(crate) struct Strided {
    /// Outer dimensions (after merging), without the band, row and run dimensions.
    outer: Vec<Merged>,
    /// Rows per block, and the strided step between rows.
    rows: usize,
    row_step: isize,
    /// Elements per contiguous run (1 when the innermost axis is strided).
    run: usize,
    /// Band mode: the innermost outer dimension (length given here) holds
    /// runs that lie side by side on the strided side, so one strided row of
    /// `band * run` elements meets row `r` of `band` blocks (ViT: a whole
    /// image row feeds 14 patches).
    band: usize,
    offset: isize,
}

/// Largest contiguous band (in bytes) kept in the cache for band mode.
const BAND_BYTES: usize = 64 * 1024;

/// Runs whose length the loop nest is compiled for: each length is a copy
/// of the loop nest, so WebAssembly (where code size is download size) gets
/// the few that ViT tiles (`p*C` = 48, 64), im2col channels and 2x2 folds
/// use, native code a longer list.
#[cfg(not(target_arch = "wasm32"))]
macro_rules! dispatch_run {
    ($run:expr, $f:ident, $($args:expr),*) => {
        match $run {
            2 => $f::<T, 2>($($args),*),
            3 => $f::<T, 3>($($args),*),
            4 => $f::<T, 4>($($args),*),
            6 => $f::<T, 6>($($args),*),
            8 => $f::<T, 8>($($args),*),
            12 => $f::<T, 12>($($args),*),
            16 => $f::<T, 16>($($args),*),
            24 => $f::<T, 24>($($args),*),
            32 => $f::<T, 32>($($args),*),
            48 => $f::<T, 48>($($args),*),
            64 => $f::<T, 64>($($args),*),
            96 => $f::<T, 96>($($args),*),
            128 => $f::<T, 128>($($args),*),
            192 => $f::<T, 192>($($args),*),
            256 => $f::<T, 256>($($args),*),
            _ => $f::<T, 0>($($args),*),
        }
    };
}

/// See the native version above.
#[cfg(target_arch = "wasm32")]
macro_rules! dispatch_run {
    ($run:expr, $f:ident, $($args:expr),*) => {
        match $run {
            2 => $f::<T, 2>($($args),*),
            3 => $f::<T, 3>($($args),*),
            4 => $f::<T, 4>($($args),*),
            16 => $f::<T, 16>($($args),*),
            48 => $f::<T, 48>($($args),*),
            64 => $f::<T, 64>($($args),*),
            _ => $f::<T, 0>($($args),*),
        }
    };
}

impl Strided {
    /// Plans moving an array of axes `(len, stride)` in C order from
    /// `offset` (elements of `itemsize` bytes). The array must hold at least
    /// one element. Fails when its list of axes cannot be allocated, or
    /// (which no array whose element count fits `usize` does) when more
    /// than [`MAX_AXES`] axes are longer than 1.
    pub(crate) fn new(
        axes: impl Iterator<Item = (usize, isize)> + Clone,
        offset: usize,
        itemsize: usize,
    ) -> Result<Self> {
        let mut dims = merge_axes(axes)?;
        if dims.len() > MAX_AXES {
            return Err(too_many_axes());
        }
        let run = match dims.last() {
            Some(&Merged { len, stride: 1, .. }) => {
                dims.pop();
                len
            }
            _ => 1,
        };
        let (rows, row_step) = dims.pop().map_or((1, 0), |m| (m.len, m.stride));
        let mut band = 1;
        if let Some(&Merged {
            len: n, stride: s, ..
        }) = dims.last()
            && run > 1
            && rows > 1
            && s == run as isize
            && row_step.unsigned_abs() > run
            && n * rows * run * itemsize <= BAND_BYTES
        {
            band = n;
            dims.pop();
        }
        Ok(Strided {
            outer: dims,
            rows,
            row_step,
            run,
            band,
            offset: offset as isize,
        })
    }

    /// Elements of the contiguous side per index of the outer dimensions.
    fn block(&self) -> usize {
        self.band * self.rows * self.run
    }

    /// Number of outer dimensions.
    pub(crate) fn n_outer(&self) -> usize {
        self.outer.len()
    }

    /// Length of the first outer dimension and the contiguous elements per
    /// index of it (for splitting the work across threads).
    pub(crate) fn split(&self) -> (usize, usize) {
        match self.outer.split_first() {
            Some((first, rest)) => (
                first.len,
                self.block() * rest.iter().map(|d| d.len).product::<usize>(),
            ),
            None => (1, self.block()),
        }
    }

    /// The box of the outer dimensions, the first restricted to `part`,
    /// with the strided and the contiguous step of each, appended to
    /// `ranges`, `strided` and `contiguous`. Returns the strided offset of
    /// index `part.start` of the first dimension relative to index 0, or
    /// `None` when the part is empty.
    fn outer_box(
        &self,
        part: Range<usize>,
        (ranges, strided, contiguous): (
            &mut Axes<Range<usize>>,
            &mut Axes<isize>,
            &mut Axes<isize>,
        ),
    ) -> Option<isize> {
        let Some(first) = self.outer.first() else {
            return (!part.is_empty()).then_some(0);
        };
        let mut per = self.block() * self.outer.iter().map(|d| d.len).product::<usize>();
        for (m, d) in self.outer.iter().enumerate() {
            per /= d.len;
            let range = if m == 0 { part.clone() } else { 0..d.len };
            // The caller keeps the total within MAX_AXES.
            let _ = ranges.push(range) && strided.push(d.stride) && contiguous.push(per as isize);
        }
        Some((part.start as isize).wrapping_mul(first.stride))
    }

    /// Gathers the part whose first outer index lies in `first..last` from
    /// the strided `src` into the contiguous `dst` (exactly that part).
    pub(crate) fn gather<T: Copy>(&self, src: &[T], dst: &mut [T], first: usize, last: usize) {
        self.gather_boxes(src, dst, &[], self.offset, 0, first..last);
    }

    /// Gathers one copy of this kernel's array, restricted to the indices
    /// `part` of its first outer dimension, for every index of the `boxes`
    /// dimensions `(length, source stride, destination stride)`: the copy
    /// of box index `i` reads from `src0 + sum(i * source stride)` and fills
    /// `dst` from `dst0 + sum(i * destination stride)`. With no boxes this
    /// is the plain gather; with boxes, the interior box of a padded plan
    /// (the patches that read no padding). The boxes and the kernel's
    /// outer dimensions together must number at most
    /// [`MAX_AXES`](crate::odometer::MAX_AXES).
    pub(crate) fn gather_boxes<T: Copy>(
        &self,
        src: &[T],
        dst: &mut [T],
        boxes: &[(usize, isize, usize)],
        src0: isize,
        dst0: usize,
        part: Range<usize>,
    ) {
        fn go<T: Copy, const N: usize>(
            k: &Strided,
            src: &[T],
            dst: &mut [T],
            boxes: &[(usize, isize, usize)],
            src0: isize,
            dst0: usize,
            part: Range<usize>,
        ) {
            let (mut ranges, mut strided, mut contiguous) = (Axes::new(), Axes::new(), Axes::new());
            for &(len, s, d) in boxes {
                let _ = ranges.push(0..len) && strided.push(s) && contiguous.push(d as isize);
            }
            let Some(at) = k.outer_box(part, (&mut ranges, &mut strided, &mut contiguous)) else {
                return;
            };
            let block = k.block();
            walk_box(
                &ranges,
                &strided,
                &contiguous,
                (src0.wrapping_add(at), dst0 as isize),
                |a, o| {
                    let o = o as usize;
                    k.gather_block::<T, N>(src, &mut dst[o..o + block], a);
                },
            );
        }
        dispatch_run!(self.run, go, self, src, dst, boxes, src0, dst0, part)
    }

    /// Gathers the block at strided offset `at` into `chunk`.
    #[inline(always)]
    fn gather_block<T: Copy, const N: usize>(&self, src: &[T], chunk: &mut [T], at: isize) {
        if self.run == 1 {
            let mut a = at;
            for d in chunk.iter_mut() {
                *d = src[a as usize];
                a = a.wrapping_add(self.row_step);
            }
        } else if self.band > 1 {
            self.band_rows(at, |r, s| {
                gather_band::<T, N>(&src[s..], chunk, r, self.rows, self.run)
            });
        } else {
            let mut a = at;
            for row in chunk.chunks_exact_mut(self.run) {
                move_run::<T, N>(row, &src[a as usize..], self.run);
                a = a.wrapping_add(self.row_step);
            }
        }
    }

    /// Scatters the contiguous `src` into the strided `dst`, the inverse of
    /// [`gather`](Self::gather) over the whole array. The strided positions
    /// must be distinct (a view whose windows do not overlap).
    pub(crate) fn scatter<T: Copy>(&self, src: &[T], dst: &mut [T]) {
        fn go<T: Copy, const N: usize>(k: &Strided, src: &[T], dst: &mut [T]) {
            let block = k.block();
            let (mut ranges, mut strided, mut contiguous) = (Axes::new(), Axes::new(), Axes::new());
            let (n, _) = k.split();
            let Some(at) = k.outer_box(0..n, (&mut ranges, &mut strided, &mut contiguous)) else {
                return;
            };
            walk_box(
                &ranges,
                &strided,
                &contiguous,
                (k.offset.wrapping_add(at), 0),
                |at, i| {
                    let i = i as usize;
                    let chunk = &src[i..i + block];
                    if k.run == 1 {
                        let mut a = at;
                        for &v in chunk {
                            dst[a as usize] = v;
                            a = a.wrapping_add(k.row_step);
                        }
                    } else if k.band > 1 {
                        let seg = k.band * k.run;
                        k.band_rows(at, |r, s| {
                            scatter_band::<T, N>(chunk, r, k.rows, k.run, &mut dst[s..s + seg])
                        });
                    } else {
                        let mut a = at;
                        for row in chunk.chunks_exact(k.run) {
                            move_run::<T, N>(&mut dst[a as usize..], row, k.run);
                            a = a.wrapping_add(k.row_step);
                        }
                    }
                },
            );
        }
        dispatch_run!(self.run, go, self, src, dst)
    }

    /// Calls `f(r, s)` for every row `r` of a band starting at `at`, with the
    /// strided offset `s` of that row.
    #[inline(always)]
    fn band_rows(&self, at: isize, mut f: impl FnMut(usize, usize)) {
        let mut a = at;
        for r in 0..self.rows {
            f(r, a as usize);
            a = a.wrapping_add(self.row_step);
        }
    }
}

/// Copies one run from the start of `from` into the start of `to`: `N`
/// elements when `N > 0` (a copy of a size known at compile time), else
/// `len`.
#[inline(always)]
fn move_run<T: Copy, const N: usize>(to: &mut [T], from: &[T], len: usize) {
    if N == 0 {
        to[..len].copy_from_slice(&from[..len]);
    } else {
        let to: &mut [T; N] = (&mut to[..N]).try_into().expect("a run of N elements");
        let from: &[T; N] = (&from[..N]).try_into().expect("a run of N elements");
        *to = *from;
    }
}

/// Band gather: the strided row `from` (`band` runs side by side) feeds row
/// `r` of each of the `band` contiguous blocks of `rows` runs in `chunk`.
#[inline(always)]
fn gather_band<T: Copy, const N: usize>(
    from: &[T],
    chunk: &mut [T],
    r: usize,
    rows: usize,
    run: usize,
) {
    if N > 0 {
        // Runs as arrays: block `g`'s row `r` is run `g*rows + r` of `chunk`.
        // (Groups of `rows` runs rather than `skip(r).step_by(rows)`: one
        // register less in the loop, which kept a count on the stack.)
        let (to, _) = chunk.as_chunks_mut::<N>();
        let (from, _) = from.as_chunks::<N>();
        for (group, f) in to.chunks_exact_mut(rows).zip(from) {
            if let Some(t) = group.get_mut(r) {
                *t = *f;
            }
        }
        return;
    }
    for (g, block) in chunk.chunks_exact_mut(rows * run).enumerate() {
        move_run::<T, N>(&mut block[r * run..(r + 1) * run], &from[g * run..], run);
    }
}

/// Band scatter: row `r` of each of the `band` contiguous blocks in `chunk`
/// goes to its run of the strided row `to`.
#[inline(always)]
fn scatter_band<T: Copy, const N: usize>(
    chunk: &[T],
    r: usize,
    rows: usize,
    run: usize,
    to: &mut [T],
) {
    if N > 0 {
        let (from, _) = chunk.as_chunks::<N>();
        let (to, _) = to.as_chunks_mut::<N>();
        for (t, f) in to.iter_mut().zip(from.iter().skip(r).step_by(rows)) {
            *t = *f;
        }
        return;
    }
    for (g, block) in chunk.chunks_exact(rows * run).enumerate() {
        move_run::<T, N>(&mut to[g * run..(g + 1) * run], &block[r * run..], run);
    }
}

/// Copies rows of `len` elements from `src` (rows `step` apart, the first
/// at `at`) into the consecutive rows of `dst`, compiled for the common
/// lengths.
pub(crate) fn copy_rows<T: Copy>(dst: &mut [T], src: &[T], at: isize, step: isize, len: usize) {
    fn go<T: Copy, const N: usize>(dst: &mut [T], src: &[T], at: isize, step: isize, len: usize) {
        let mut a = at;
        for row in dst.chunks_exact_mut(len) {
            move_run::<T, N>(row, &src[a as usize..], len);
            a = a.wrapping_add(step);
        }
    }
    dispatch_run!(len, go, dst, src, at, step, len)
}
