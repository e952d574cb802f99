//! The row walker behind every copying path.
//!
//! The output of a copy is C-contiguous over its *output axes* (outer then
//! inner axes for patch-major, inner then outer for feature-major). The
//! walker keeps the output axes longer than 1 (an axis of length 1 only
//! fixes a coordinate, which it adds once) and splits them into three
//! groups:
//!
//! - the **block**: trailing output axes that are batch or whole axes laid
//!   out contiguously in the source, so a block is one contiguous run of `B`
//!   elements on both sides (the `C` channels of an HWC image);
//! - the **row**: the last output axis before the block; along it the source
//!   coordinate moves linearly, so a row is split once into a left border,
//!   an interior of evenly spaced blocks, and a right border (for ViT the
//!   interior is one contiguous run of `p*C` elements): see [`row`];
//! - the **loop** axes before it, walked by the crate's [`Odometer`], with
//!   the last loop axis (the *column*) unrolled into a tight loop of equal
//!   rows when its source coordinate stays inside the input: see [`column`].
//!
//! A [`Sink`] receives the pieces: evenly spaced interior blocks, single
//! blocks remapped by padding, and constant padding. Extract copies
//! them; fold accumulates them the other way. Padding is never copied into a
//! padded input first: each border element is remapped as it is visited.
//!
//! Walking allocates nothing: the walk's own lists are allocated (fallibly)
//! when it is made, and everything a walk keeps per row lives on the stack.

mod column;
mod row;

use std::ops::Range;

use crate::alloc::try_with_capacity;
use crate::error::Result;
use crate::merge::merge_axes;
use crate::odometer::{Axes, Carry, MAX_AXES, Odometer, too_many_axes};
use crate::order::{PatchOrder, out_axes};
use crate::padding::{PadMode, remap};
use crate::plan::{Line, Part, Plan};

use column::{RowsAt, Scratch};

/// Weights of the blocks of one interior run, for weighted folds.
#[derive(Clone, Copy)]
pub(crate) struct RunWeights<'a> {
    /// Product of the window weights fixed for the whole row.
    pub(crate) scale: f64,
    /// Per-block weights along the row, when the row is a window axis.
    pub(crate) row: &'a [f64],
}

impl RunWeights<'static> {
    /// Every block with weight 1.
    pub(crate) const ONE: Self = RunWeights {
        scale: 1.0,
        row: &[],
    };
}

impl RunWeights<'_> {
    #[inline]
    pub(crate) fn at(&self, t: usize) -> f64 {
        if self.row.is_empty() {
            self.scale
        } else {
            self.scale * self.row[t]
        }
    }
}

/// `rows` rows of `n` blocks of `block` elements that are contiguous in the
/// source: row `r` is the run of `n*block` elements at `out + r*out_step`
/// and `src + r*src_step` (the common interior case, as one call so that a
/// sink can run a tight loop).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rows {
    pub(crate) out: usize,
    pub(crate) out_step: usize,
    pub(crate) src: usize,
    pub(crate) src_step: isize,
    pub(crate) rows: usize,
    pub(crate) n: usize,
    pub(crate) block: usize,
}

/// Receives the pieces of a walk. Positions are in elements; `out` indexes
/// the patch buffer, `src` the array buffer. Every block is `B` elements,
/// contiguous on both sides.
pub(crate) trait Sink {
    /// Whether the sink copies into its output, so that a position written
    /// twice keeps the last value (true for extract, false for folds,
    /// which accumulate, and for scatters into the input).
    const OVERWRITES: bool = false;

    /// `n` blocks; block `t` is at `out + t*B` and `src + t*step`.
    /// `real` is false when the row reads padding that was remapped onto real
    /// elements (through another axis), which a fold must skip.
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        real: bool,
        w: RunWeights<'_>,
    );

    /// Rows of contiguous runs (see [`Rows`]).
    #[inline(always)]
    fn rows(&mut self, r: Rows) {
        rows_by_interior(self, r);
    }

    /// One block of padding that reads real elements at `src` (reflect, edge, ...).
    fn remapped(&mut self, out: usize, src: usize);

    /// `n` blocks of constant padding.
    fn constant(&mut self, out: usize, n: usize);
}

/// Rows of contiguous runs as one [`Sink::interior`] call per row: the
/// default of [`Sink::rows`], for sinks that override it for some rows only.
#[inline(always)]
pub(crate) fn rows_by_interior<S: Sink + ?Sized>(sink: &mut S, r: Rows) {
    let mut at = r.src as isize;
    for i in 0..r.rows {
        sink.interior(
            r.out + i * r.out_step,
            at as usize,
            r.block as isize,
            r.n,
            true,
            RunWeights::ONE,
        );
        at = at.wrapping_add(r.src_step);
    }
}

/// An input axis of a walk with an output axis longer than 1.
#[derive(Clone, Copy, Debug)]
struct InAxis<'w> {
    /// The axis's index in the plan.
    plan_input: usize,
    len: isize,
    stride: isize,
    /// The coordinate its output axes of length 1 add (a single window's
    /// origin, say).
    fixed: isize,
    /// The weights of its window positions (weighted folds), else empty.
    weights: &'w [f64],
}

/// An output axis of a walk, longer than 1: `len` indices of part `part`
/// of live input axis `input`, visiting the coordinates of `line`.
#[derive(Clone, Copy, Debug, Default)]
struct WalkAxis {
    input: usize,
    part: Part,
    len: usize,
    line: Line,
}

/// Where the coordinates fixed so far place a row: its source offset, and
/// whether some axis reads remapped padding (a fold skips such rows) or
/// constant padding (the row is the fill).
#[derive(Clone, Copy, Debug)]
struct Place {
    base: isize,
    pad: bool,
    constant: bool,
}

impl Place {
    /// Adds coordinate `c` of axis `a`, remapping it when it lies in padding.
    #[inline]
    fn add(&mut self, a: &InAxis<'_>, c: isize, mode: PadMode) {
        if c >= 0 && c < a.len {
            self.base += c * a.stride;
        } else {
            match remap(c, a.len as usize, mode) {
                Some(r) => {
                    self.base += r as isize * a.stride;
                    self.pad = true;
                }
                None => self.constant = true,
            }
        }
    }
}

/// The geometry of one walk, prepared once.
pub(crate) struct Walk<'w> {
    ins: Vec<InAxis<'w>>,
    /// The output axes longer than 1, in output order: the loop axes, the
    /// row, the block axes.
    outs: Vec<WalkAxis>,
    /// Output elements per index of every loop axis.
    out_strides: Vec<usize>,
    /// Number of loop axes (before the row).
    n_loop: usize,
    /// The row axis, if any axis is left outside the block.
    row: Option<WalkAxis>,
    block: usize,
    /// Output elements per row.
    row_out: usize,
    /// Where the axes without an output axis longer than 1 place everything.
    fixed: Place,
    /// The weight those axes give every element.
    scale: f64,
    weighted: bool,
    mode: PadMode,
    total: usize,
}

impl<'w> Walk<'w> {
    /// Prepares a walk of `plan` in `order` over an array with element
    /// `strides` and `offset` (the plan's own layout when extracting, a
    /// C-contiguous one when folding), with window `weights` per input axis
    /// for weighted folds.
    pub(crate) fn new(
        plan: &Plan,
        strides: &[isize],
        offset: usize,
        order: PatchOrder,
        weights: Option<&'w [Vec<f64>]>,
    ) -> Result<Self> {
        let axes = plan.axes();
        let mode = plan.padding().mode;
        let live_len = |a: &crate::plan::AxisPlan, part| a.has_part(part) && a.part_len(part) > 1;
        let n_live = axes
            .iter()
            .filter(|a| live_len(a, Part::Grid) || live_len(a, Part::Inner))
            .count();
        let mut ins = try_with_capacity(n_live)?;
        let mut fixed = Place {
            base: offset as isize,
            pad: false,
            constant: false,
        };
        let mut scale = 1.0;
        for (input, (a, &stride)) in axes.iter().zip(strides).enumerate() {
            let w = weights.map_or(&[][..], |ws| ws[input].as_slice());
            let (grid, inner) = (live_len(a, Part::Grid), live_len(a, Part::Inner));
            // A grid of one window adds its origin; one position adds 0.
            let c = if grid { 0 } else { a.line(Part::Grid).at(0) };
            if !inner && !w.is_empty() {
                scale *= w[0];
            }
            let axis = InAxis {
                plan_input: input,
                len: a.len as isize,
                stride,
                fixed: c,
                weights: w,
            };
            if grid || inner {
                ins.push(axis);
            } else {
                fixed.add(&axis, c, mode);
            }
        }
        let live = out_axes(axes, order).filter(|o| o.len > 1);
        let mut outs = try_with_capacity(live.clone().count())?;
        for o in live {
            // `ins` is in input order: find the live index of `o.input`.
            let input = ins
                .binary_search_by_key(&o.input, |a: &InAxis<'_>| a.plan_input)
                .unwrap_or(0);
            outs.push(WalkAxis {
                input,
                part: o.part,
                len: o.len,
                line: axes[o.input].line(o.part),
            });
        }
        if outs.len() > MAX_AXES {
            // Their lengths (each > 1) multiply to the copy length.
            return Err(too_many_axes());
        }
        // The block: trailing batch or whole axes contiguous in the source.
        let plain = outs
            .iter()
            .rev()
            .take_while(|o| axes[ins[o.input].plan_input].window().is_none())
            .count();
        let tail = &outs[outs.len() - plain..];
        let merged = merge_axes(tail.iter().map(|o| (o.len, ins[o.input].stride)))?;
        let (block, n_block) = match merged.last() {
            Some(m) if m.stride == 1 => (m.len, plain - m.first),
            _ => (1, 0),
        };
        let rest = outs.len() - n_block;
        let row = rest.checked_sub(1).map(|r| outs[r]);
        let n_loop = rest.saturating_sub(1);
        let total = plan.copy_len();
        let row_out = row.map_or(total, |r| r.len * block);
        let mut out_strides = try_with_capacity(n_loop)?;
        let mut acc = row_out;
        for o in outs[..n_loop].iter().rev() {
            out_strides.push(acc);
            acc *= o.len;
        }
        out_strides.reverse();
        Ok(Walk {
            ins,
            outs,
            out_strides,
            n_loop,
            row,
            block,
            row_out,
            fixed,
            scale,
            weighted: weights.is_some(),
            mode,
            total,
        })
    }

    /// Elements per block.
    pub(crate) fn block(&self) -> usize {
        self.block
    }

    /// Number of loop axes.
    pub(crate) fn n_loop(&self) -> usize {
        self.n_loop
    }

    /// The plan axis, part and coordinates of loop axis `m`, and the output
    /// elements per index of it.
    pub(crate) fn loop_axis(&self, m: usize) -> (usize, Part, Line, usize) {
        let o = &self.outs[m];
        (
            self.ins[o.input].plan_input,
            o.part,
            o.line,
            self.out_strides[m],
        )
    }

    /// `(len, source stride)` of every output axis from axis `m` on, for
    /// copies of whole patches.
    pub(crate) fn dims_from(&self, m: usize) -> impl Iterator<Item = (usize, isize)> + Clone + '_ {
        self.outs[m..].iter().map(|o| {
            let stride = self.ins[o.input].stride;
            (o.len, o.line.inc.wrapping_mul(stride))
        })
    }

    /// Length of the first output axis that the walk can be split over, and
    /// the number of output elements per index of it.
    pub(crate) fn split_axis(&self) -> (usize, usize) {
        if self.n_loop == 0 || self.total == 0 {
            return (1, self.total);
        }
        let len = self.outs[0].len;
        (len, self.total / len)
    }

    /// The full range of every loop axis (the column's last).
    pub(crate) fn loop_ranges(&self) -> Axes<Range<usize>> {
        let mut ranges = Axes::new();
        for o in &self.outs[..self.n_loop] {
            // At most MAX_AXES, checked in `new`.
            let _ = ranges.push(0..o.len);
        }
        ranges
    }

    /// Walks the whole output.
    pub(crate) fn run<S: Sink>(&self, sink: &mut S) {
        let (len, _) = self.split_axis();
        self.run_part(0..len, sink);
    }

    /// Walks the part of the output whose first loop axis index lies in
    /// `part` (all of it when there are no loop axes).
    pub(crate) fn run_part<S: Sink>(&self, part: Range<usize>, sink: &mut S) {
        let mut ranges = self.loop_ranges();
        if let Some(first) = ranges.first_mut() {
            *first = part;
        } else if part.is_empty() {
            return;
        }
        self.run_ranges(&ranges, sink);
    }

    /// Walks the output positions whose loop-axis indices lie in `ranges`
    /// (one range per loop axis, the column's last).
    pub(crate) fn run_ranges<S: Sink>(&self, ranges: &[Range<usize>], sink: &mut S) {
        if self.total == 0 || ranges.iter().any(|r| r.is_empty()) {
            return;
        }
        if self.row.is_none() {
            self.one_block(sink);
            return;
        }
        let mut scratch = Scratch::new();
        let Some((cols, odo_ranges)) = ranges.split_last() else {
            let at = RowsAt {
                idx: &[],
                out: 0,
                cols: 0..1,
            };
            self.rows(sink, at, &mut scratch);
            return;
        };
        let Some(mut odo) = Odometer::new(odo_ranges) else {
            return;
        };
        let carry = Carry::new(odo_ranges, self.out_strides.iter().map(|&s| s as isize));
        let mut out = odo_ranges
            .iter()
            .zip(&self.out_strides)
            .map(|(r, s)| r.start * s)
            .sum::<usize>()
            + cols.start * self.row_out;
        loop {
            let at = RowsAt {
                idx: odo.index(),
                out,
                cols: cols.clone(),
            };
            self.rows(sink, at, &mut scratch);
            match odo.advance() {
                Some(m) => out = out.wrapping_add_signed(carry.get(m)),
                None => return,
            }
        }
    }

    /// The whole output when it is one block: every axis longer than 1 is
    /// in it, so the axes of length 1 say where it is.
    fn one_block<S: Sink>(&self, sink: &mut S) {
        let p = self.fixed;
        if p.constant {
            sink.constant(0, 1);
        } else if p.pad {
            sink.remapped(0, p.base as usize);
        } else {
            let w = RunWeights {
                scale: self.scale,
                row: &[],
            };
            sink.interior(0, p.base as usize, 0, 1, true, w);
        }
    }
}
