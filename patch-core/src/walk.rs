//! The row walker behind every copying path.
//!
//! The output of a copy is C-contiguous over its *output axes* (outer then
//! inner axes for patch-major, inner then outer for feature-major). The
//! walker splits those axes into three groups:
//!
//! - the **block**: trailing output axes that are batch or whole axes laid
//!   out contiguously in the source, so a block is one contiguous run of `B`
//!   elements on both sides (the `C` channels of an HWC image);
//! - the **row**: the last output axis before the block; along it the source
//!   coordinate moves linearly, so a row is split once into a left border,
//!   an interior of evenly spaced blocks, and a right border (for ViT the
//!   interior is one contiguous run of `p*C` elements);
//! - the **loop** axes before it, walked by an odometer, with the last loop
//!   axis (the *column*) unrolled into a tight loop of equal rows when its
//!   source coordinate stays inside the input.
//!
//! A [`Sink`] receives the pieces: evenly spaced interior blocks, single
//! blocks remapped by padding, and constant padding. Extract copies
//! them; fold accumulates them the other way. Padding is never copied into a
//! padded input first: each border element is remapped as it is visited.

use std::ops::Range;

use crate::padding::{PadMode, remap};
use crate::plan::Plan;
use crate::spec::AxisRole;

/// The order of a copy of the patches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum PatchOrder {
    /// `[num_patches, patch_len]`: one patch after another (ViT tokens,
    /// numpy's `sliding_window_view(...).reshape(-1, patch_len)`).
    #[default]
    PatchMajor,
    /// `[patch_len, num_patches]`: one feature after another (im2col,
    /// torch's `F.unfold` columns).
    FeatureMajor,
}

/// Weights of the blocks of one interior run, for weighted folds.
#[derive(Clone, Copy)]
pub(crate) struct RunWeights<'a> {
    /// Product of the window weights fixed for the whole row.
    pub(crate) scale: f64,
    /// Per-block weights along the row, when the row is a window axis.
    pub(crate) row: &'a [f64],
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
    /// `rows` rows of `n` blocks that are contiguous in the source: row `r`
    /// is the run of `n*B` elements at `out + r*out_step` and
    /// `src + r*src_step` (the common interior case, as one call so a sink
    /// can run a tight loop).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn rows(
        &mut self,
        out: usize,
        out_step: usize,
        src: usize,
        src_step: isize,
        rows: usize,
        n: usize,
        block: usize,
    ) {
        let mut at = src as isize;
        let w = RunWeights {
            scale: 1.0,
            row: &[],
        };
        for r in 0..rows {
            self.interior(out + r * out_step, at as usize, block as isize, n, true, w);
            at = at.wrapping_add(src_step);
        }
    }
    /// One block of padding that reads real elements at `src` (reflect, edge, ...).
    fn remapped(&mut self, out: usize, src: usize);
    /// `n` blocks of constant padding.
    fn constant(&mut self, out: usize, n: usize);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    /// The grid index of a window axis.
    Grid,
    /// The position inside the window of a window axis.
    Inner,
    /// The index of a batch or whole axis.
    Plain,
}

#[derive(Clone, Copy, Debug)]
struct OutAxis {
    input: usize,
    len: usize,
    part: Part,
}

#[derive(Clone, Copy, Debug)]
struct InAxis {
    len: isize,
    stride: isize,
    step: isize,
    dilation: isize,
    pad_lo: isize,
    grid: usize,
    cover_last: Option<isize>,
}

impl InAxis {
    #[inline]
    fn origin(&self, k: usize) -> isize {
        match self.cover_last {
            Some(last) if k + 1 == self.grid => last,
            _ => k as isize * self.step - self.pad_lo,
        }
    }

    /// Coordinate contributed by index `i` of an output axis of this part.
    #[inline]
    fn part_coord(&self, part: Part, i: usize) -> isize {
        match part {
            Part::Grid => self.origin(i),
            Part::Inner => i as isize * self.dilation,
            Part::Plain => i as isize,
        }
    }

    /// Coordinate increment per index along a part, and whether the last
    /// index breaks linearity (a Cover-shifted last window).
    #[inline]
    fn part_inc(&self, part: Part) -> (isize, bool) {
        match part {
            Part::Grid => (self.step, self.cover_last.is_some()),
            Part::Inner => (self.dilation, false),
            Part::Plain => (1, false),
        }
    }
}

/// The output axes of `plan` in `order`.
fn out_axes(plan: &Plan, order: PatchOrder) -> Vec<OutAxis> {
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    for (input, a) in plan.axes().iter().enumerate() {
        match a.role {
            AxisRole::Batch => outer.push(OutAxis {
                input,
                len: a.len,
                part: Part::Plain,
            }),
            AxisRole::Whole => inner.push(OutAxis {
                input,
                len: a.len,
                part: Part::Plain,
            }),
            AxisRole::Window(w) => {
                outer.push(OutAxis {
                    input,
                    len: a.grid,
                    part: Part::Grid,
                });
                inner.push(OutAxis {
                    input,
                    len: w.size,
                    part: Part::Inner,
                });
            }
        }
    }
    match order {
        PatchOrder::PatchMajor => outer.extend(inner),
        PatchOrder::FeatureMajor => {
            inner.extend(outer);
            outer = inner;
        }
    }
    outer
}

/// The geometry of one walk, prepared once.
pub(crate) struct Walk<'w> {
    ins: Vec<InAxis>,
    outs: Vec<OutAxis>,
    /// Number of loop axes (before the row).
    n_loop: usize,
    /// The row axis, if any axis is left outside the block.
    row: Option<OutAxis>,
    block: usize,
    offset: isize,
    mode: PadMode,
    /// Window weights per input axis (window axes only), for weighted folds.
    weights: Option<&'w [Vec<f64>]>,
    total: usize,
}

/// One piece of a row, relative to the row's source and output starts.
#[derive(Clone, Copy, Debug)]
enum Piece {
    /// `n` blocks read from the source, `step` apart; `first` is the row
    /// index of the first (for per-position weights).
    Run {
        out: usize,
        src: isize,
        step: isize,
        n: usize,
        first: usize,
    },
    /// One block of padding read from a real element.
    Remapped { out: usize, src: isize },
    /// `n` blocks of constant padding.
    Constant { out: usize, n: usize },
}

/// What the rows of one odometer position share.
struct ColumnCtx<'a> {
    /// Fixed coordinate of every input axis from the odometer axes.
    coords: &'a [isize],
    /// Source offset from every axis but the row's and the column's.
    base: isize,
    /// Some other axis reads remapped padding (a fold skips these rows).
    pad: bool,
    /// Some other axis reads constant padding: the rows are constant.
    constant: bool,
    /// The column and the row walk the same input axis.
    shared: bool,
    scale: f64,
    row_weights: &'a [f64],
    col_weights: Option<&'a [f64]>,
    row: OutAxis,
    col: OutAxis,
    row_out: usize,
    /// Column index of the row at output position `out`.
    first: usize,
}

/// How a row's source coordinate moves along it.
#[derive(Clone, Copy, Debug)]
struct RowSplit {
    /// Coordinate of index 0 following the linear rule.
    start: isize,
    inc: isize,
    /// Indices following the linear rule (all but a Cover-shifted last one).
    n_lin: usize,
    /// Interior indices `[i0, i1)`: linear and inside the axis.
    i0: usize,
    i1: usize,
    /// Coordinate of the Cover-shifted last index.
    shifted_last: Option<isize>,
}

impl<'w> Walk<'w> {
    /// Prepares a walk of `plan` in `order` over an array with element
    /// `strides` and `offset` (the plan's own layout when extracting, a
    /// C-contiguous one when folding).
    pub(crate) fn new(
        plan: &Plan,
        strides: &[isize],
        offset: usize,
        order: PatchOrder,
        weights: Option<&'w [Vec<f64>]>,
    ) -> Self {
        let ins: Vec<InAxis> = plan
            .axes()
            .iter()
            .zip(strides)
            .map(|(a, &stride)| {
                let (step, dilation) = a
                    .window()
                    .map_or((1, 1), |w| (w.step as isize, w.dilation as isize));
                InAxis {
                    len: a.len as isize,
                    stride,
                    step,
                    dilation,
                    pad_lo: a.pad_lo as isize,
                    grid: a.grid,
                    cover_last: a.cover_last.map(|c| c as isize),
                }
            })
            .collect();
        let outs = out_axes(plan, order);
        // The block: trailing plain axes contiguous in the source.
        let mut block = 1usize;
        let mut n_block = 0;
        for o in outs.iter().rev() {
            if o.part != Part::Plain || (o.len != 1 && ins[o.input].stride != block as isize) {
                break;
            }
            block *= o.len;
            n_block += 1;
        }
        let rest = outs.len() - n_block;
        let (row, n_loop) = if rest == 0 {
            (None, 0)
        } else {
            (Some(outs[rest - 1]), rest - 1)
        };
        Walk {
            ins,
            outs,
            n_loop,
            row,
            block,
            offset: offset as isize,
            mode: plan.padding().mode,
            weights,
            total: plan.copy_len(),
        }
    }

    /// Elements per block.
    pub(crate) fn block(&self) -> usize {
        self.block
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
    pub(crate) fn loop_ranges(&self) -> Vec<Range<usize>> {
        self.outs[..self.n_loop].iter().map(|o| 0..o.len).collect()
    }

    /// Walks the whole output.
    pub(crate) fn run<S: Sink>(&self, sink: &mut S) {
        let (len, _) = self.split_axis();
        self.run_part(0..len, sink);
    }

    /// Walks the part of the output whose first loop axis index lies in
    /// `part` (all of it when there are no loop axes).
    pub(crate) fn run_part<S: Sink>(&self, part: Range<usize>, sink: &mut S) {
        let mut ranges: Vec<Range<usize>> =
            self.outs[..self.n_loop].iter().map(|o| 0..o.len).collect();
        if let Some(first) = ranges.first_mut() {
            *first = part.clone();
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
        let Some(row) = self.row else {
            // Everything is one block.
            sink.interior(
                0,
                self.offset as usize,
                0,
                1,
                true,
                RunWeights {
                    scale: 1.0,
                    row: &[],
                },
            );
            return;
        };
        let row_out = row.len * self.block;
        let mut scratch = Vec::new();
        if self.n_loop == 0 {
            self.rows(&[], sink, &mut scratch, 0, None, 0..1, row, row_out);
            return;
        }
        let (odo_axes, col) = self.outs[..self.n_loop].split_at(self.n_loop - 1);
        let (odo_ranges, col_range) = ranges.split_at(self.n_loop - 1);
        let (col, col_range) = (col[0], col_range[0].clone());
        // Output elements per index of every loop axis.
        let mut strides = vec![0usize; self.n_loop];
        let mut acc = row_out;
        for m in (0..self.n_loop).rev() {
            strides[m] = acc;
            acc *= self.outs[m].len;
        }
        let mut idx: Vec<usize> = odo_ranges.iter().map(|r| r.start).collect();
        loop {
            let out = idx.iter().zip(&strides).map(|(i, s)| i * s).sum::<usize>()
                + col_range.start * row_out;
            self.rows(
                &idx,
                sink,
                &mut scratch,
                out,
                Some(col),
                col_range.clone(),
                row,
                row_out,
            );
            // Advance the odometer over the axes before the column.
            let mut m = odo_axes.len();
            loop {
                if m == 0 {
                    return;
                }
                m -= 1;
                idx[m] += 1;
                if idx[m] < odo_ranges[m].end {
                    break;
                }
                idx[m] = odo_ranges[m].start;
            }
        }
    }

    /// Emits the rows for one odometer position `idx` of the loop axes
    /// before the column, for column indices `cols`.
    #[allow(clippy::too_many_arguments)]
    fn rows<S: Sink>(
        &self,
        idx: &[usize],
        sink: &mut S,
        scratch: &mut Vec<Piece>,
        out: usize,
        col: Option<OutAxis>,
        cols: Range<usize>,
        row: OutAxis,
        row_out: usize,
    ) {
        // Fixed coordinate of every input axis from the odometer axes.
        let mut coords = [0isize; 16];
        let mut coords_vec;
        let coords: &mut [isize] = if self.ins.len() <= 16 {
            &mut coords[..self.ins.len()]
        } else {
            coords_vec = vec![0isize; self.ins.len()];
            &mut coords_vec
        };
        let mut scale = 1.0;
        for (o, &i) in self.outs.iter().zip(idx) {
            let a = &self.ins[o.input];
            coords[o.input] += a.part_coord(o.part, i);
            if let (Some(ws), Part::Inner) = (self.weights, o.part) {
                scale *= ws[o.input][i];
            }
        }
        let col_input = col.map(|c| c.input);
        // The column shares its input axis with the row: no tight loop, the
        // row coordinate changes with the column.
        let shared = col_input == Some(row.input);
        // Base offset, padding flags from every axis but the row and column.
        let mut base = self.offset;
        let mut pad = false;
        let mut constant = false;
        for (axis, a) in self.ins.iter().enumerate() {
            if axis == row.input || Some(axis) == col_input {
                continue;
            }
            self.place(a, coords[axis], &mut base, &mut pad, &mut constant);
        }
        let row_weights = match (self.weights, row.part) {
            (Some(ws), Part::Inner) => ws[row.input].as_slice(),
            _ => &[],
        };
        let Some(col) = col else {
            if constant {
                sink.constant(out, row.len);
            } else {
                let split = self.split(row, coords[row.input]);
                self.row_pieces(&split, row, scratch);
                self.emit(sink, out, base, pad, scratch, scale, row_weights);
            }
            return;
        };
        let ca = &self.ins[col.input];
        let (inc, nonlinear_last) = ca.part_inc(col.part);
        let col_weights = match (self.weights, col.part) {
            (Some(ws), Part::Inner) => Some(ws[col.input].as_slice()),
            _ => None,
        };
        let ctx = ColumnCtx {
            coords,
            base,
            pad,
            constant,
            shared,
            scale,
            row_weights,
            col_weights,
            row,
            col,
            row_out,
            first: cols.start,
        };
        // The interior columns: their coordinate follows the linear rule and
        // lies inside the axis, so their rows differ only by a fixed step.
        let lin_end = if nonlinear_last && cols.end == col.len {
            cols.end - 1
        } else {
            cols.end
        };
        // With a shared axis the column moves the whole row: an interior
        // column is one whose row reads no padding at all.
        let (reach_lo, reach_hi) = if shared {
            let ra = &self.ins[row.input];
            let (first, inc_r, n_lin) = match row.part {
                Part::Grid => (
                    -ra.pad_lo,
                    ra.step,
                    row.len - usize::from(ra.cover_last.is_some()),
                ),
                Part::Inner => (0, ra.dilation, row.len),
                Part::Plain => (0, 1, row.len),
            };
            (first, first + (n_lin.max(1) as isize - 1) * inc_r)
        } else {
            (0, 0)
        };
        let (t0, t1) = if constant || cols.start >= lin_end {
            (cols.end, cols.end)
        } else {
            // Interior when reach_lo + c >= 0 and reach_hi + c <= len - 1.
            let c0 = coords[col.input] + ca.part_coord(col.part, cols.start) + reach_lo;
            let len = ca.len - (reach_hi - reach_lo);
            let u0 = if c0 >= 0 { 0 } else { ceil_div(-c0, inc) };
            let u1 = if c0 > len - 1 {
                0
            } else {
                ((len - 1 - c0) / inc + 1) as usize
            };
            let n = lin_end - cols.start;
            let (u0, u1) = (u0.min(n), u1.min(n));
            (cols.start + u0, cols.start + u1.max(u0))
        };
        if t0 == t1 {
            self.slow_rows(&ctx, sink, scratch, out, cols);
            return;
        }
        self.slow_rows(&ctx, sink, scratch, out, cols.start..t0);
        self.tight_rows(&ctx, sink, scratch, out, t0..t1);
        self.slow_rows(&ctx, sink, scratch, out, t1..cols.end);
    }

    /// Rows of interior columns: one row split, the source moving by a
    /// fixed step from row to row.
    fn tight_rows<S: Sink>(
        &self,
        ctx: &ColumnCtx<'_>,
        sink: &mut S,
        scratch: &mut Vec<Piece>,
        out: usize,
        cols: Range<usize>,
    ) {
        let (row, col) = (ctx.row, ctx.col);
        let ca = &self.ins[col.input];
        let (inc, _) = ca.part_inc(col.part);
        let c = ctx.coords[col.input] + ca.part_coord(col.part, cols.start);
        // A shared column moves the row's own coordinate; another column
        // moves the row's source start.
        let (split, mut at) = if ctx.shared {
            (self.split(row, c), ctx.base)
        } else {
            (
                self.split(row, ctx.coords[row.input]),
                ctx.base + c * ca.stride,
            )
        };
        let step = inc.wrapping_mul(ca.stride);
        let mut out = out + (cols.start - ctx.first) * ctx.row_out;
        let ra = &self.ins[row.input];
        let contiguous = row.len == 1 || split.inc.wrapping_mul(ra.stride) == self.block as isize;
        if self.weights.is_none()
            && !ctx.pad
            && contiguous
            && split.i0 == 0
            && split.i1 == row.len
            && split.shifted_last.is_none()
        {
            // Every row is one contiguous run: hand the sink the whole column.
            let src = (at + split.start * ra.stride) as usize;
            sink.rows(out, ctx.row_out, src, step, cols.len(), row.len, self.block);
            return;
        }
        // Every row has the same shape: work out its pieces once, relative
        // to the row's start, and replay them row after row.
        self.row_pieces(&split, row, scratch);
        if S::OVERWRITES && self.weights.is_none() && cols.len() > 1 && step == ctx.row_out as isize
        {
            // The rows follow each other in the source as in the output, so
            // their runs, and what lies between them, are one contiguous run:
            // copy it at once, then write each row's padding over the
            // elements that run put between the rows (the source elements
            // there are real, so the copy stays inside the input).
            let runs: Vec<&Piece> = scratch
                .iter()
                .filter(|p| matches!(p, Piece::Run { .. }))
                .collect();
            if let [
                Piece::Run {
                    out: o,
                    src,
                    step: s,
                    n,
                    ..
                },
            ] = runs[..]
                && (*n == 1 || *s == self.block as isize)
            {
                let blocks = (cols.len() - 1) * row.len + n;
                let w = RunWeights {
                    scale: 1.0,
                    row: &[],
                };
                sink.interior(
                    out + o,
                    (at + src) as usize,
                    self.block as isize,
                    blocks,
                    !ctx.pad,
                    w,
                );
                for _ in cols {
                    for piece in scratch.iter() {
                        match *piece {
                            Piece::Remapped { out: o, src } => {
                                sink.remapped(out + o, (at + src) as usize)
                            }
                            Piece::Constant { out: o, n } => sink.constant(out + o, n),
                            Piece::Run { .. } => {}
                        }
                    }
                    at = at.wrapping_add(step);
                    out += ctx.row_out;
                }
                return;
            }
        }
        for t in cols {
            let scale = ctx.col_weights.map_or(ctx.scale, |w| ctx.scale * w[t]);
            self.emit(sink, out, at, ctx.pad, scratch, scale, ctx.row_weights);
            at = at.wrapping_add(step);
            out += ctx.row_out;
        }
    }

    /// Emits one row from its pieces, at source offset `base` and output
    /// position `out`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn emit<S: Sink>(
        &self,
        sink: &mut S,
        out: usize,
        base: isize,
        pad: bool,
        pieces: &[Piece],
        scale: f64,
        row_weights: &[f64],
    ) {
        for piece in pieces {
            match *piece {
                Piece::Run {
                    out: o,
                    src,
                    step,
                    n,
                    first,
                } => {
                    let row = if row_weights.is_empty() {
                        row_weights
                    } else {
                        &row_weights[first..first + n]
                    };
                    sink.interior(
                        out + o,
                        (base + src) as usize,
                        step,
                        n,
                        !pad,
                        RunWeights { scale, row },
                    );
                }
                Piece::Remapped { out: o, src } => sink.remapped(out + o, (base + src) as usize),
                Piece::Constant { out: o, n } => sink.constant(out + o, n),
            }
        }
    }

    /// The pieces of a row (into `pieces`, cleared first): border fills,
    /// remapped reads and the interior run, with offsets relative to the
    /// row's source and output starts.
    fn row_pieces(&self, split: &RowSplit, row: OutAxis, pieces: &mut Vec<Piece>) {
        let a = &self.ins[row.input];
        let b = self.block;
        pieces.clear();
        for i in 0..split.i0 {
            self.border_piece(pieces, a, i, split.start + i as isize * split.inc);
        }
        if split.i0 < split.i1 {
            let c = split.start + split.i0 as isize * split.inc;
            pieces.push(Piece::Run {
                out: split.i0 * b,
                src: c * a.stride,
                step: split.inc.wrapping_mul(a.stride),
                n: split.i1 - split.i0,
                first: split.i0,
            });
        }
        for i in split.i1.max(split.i0)..split.n_lin {
            self.border_piece(pieces, a, i, split.start + i as isize * split.inc);
        }
        if let Some(c) = split.shifted_last {
            self.border_piece(pieces, a, row.len - 1, c);
        }
    }

    /// The piece of row index `i`, whose coordinate `c` may lie in padding;
    /// neighbouring constant blocks merge into one piece.
    fn border_piece(&self, pieces: &mut Vec<Piece>, a: &InAxis, i: usize, c: isize) {
        let b = self.block;
        if c >= 0 && c < a.len {
            pieces.push(Piece::Run {
                out: i * b,
                src: c * a.stride,
                step: 0,
                n: 1,
                first: i,
            });
        } else {
            match remap(c, a.len as usize, self.mode) {
                Some(r) => pieces.push(Piece::Remapped {
                    out: i * b,
                    src: r as isize * a.stride,
                }),
                None => match pieces.last_mut() {
                    Some(Piece::Constant { out, n }) if *out + *n * b == i * b => *n += 1,
                    _ => pieces.push(Piece::Constant { out: i * b, n: 1 }),
                },
            }
        }
    }

    /// Rows of border columns (or of a column sharing the row's axis), each
    /// placed and split on its own.
    fn slow_rows<S: Sink>(
        &self,
        ctx: &ColumnCtx<'_>,
        sink: &mut S,
        scratch: &mut Vec<Piece>,
        out: usize,
        cols: Range<usize>,
    ) {
        let (row, col) = (ctx.row, ctx.col);
        let ca = &self.ins[col.input];
        let mut out = out + (cols.start - ctx.first) * ctx.row_out;
        for t in cols {
            let c = ctx.coords[col.input] + ca.part_coord(col.part, t);
            let (mut b, mut p, mut k) = (ctx.base, ctx.pad, ctx.constant);
            // A shared axis is placed by the row, element by element.
            let row_fixed = if ctx.shared {
                c
            } else {
                self.place(ca, c, &mut b, &mut p, &mut k);
                ctx.coords[row.input]
            };
            let scale = ctx.col_weights.map_or(ctx.scale, |w| ctx.scale * w[t]);
            if k {
                sink.constant(out, row.len);
            } else {
                let split = self.split(row, row_fixed);
                self.row_pieces(&split, row, scratch);
                self.emit(sink, out, b, p, scratch, scale, ctx.row_weights);
            }
            out += ctx.row_out;
        }
    }

    /// Adds the contribution of coordinate `c` of axis `a` to `base`,
    /// remapping it when it lies in padding.
    #[inline]
    fn place(&self, a: &InAxis, c: isize, base: &mut isize, pad: &mut bool, constant: &mut bool) {
        if c >= 0 && c < a.len {
            *base += c * a.stride;
        } else {
            match remap(c, a.len as usize, self.mode) {
                Some(r) => {
                    *base += r as isize * a.stride;
                    *pad = true;
                }
                None => *constant = true,
            }
        }
    }

    /// Splits a row whose input axis has fixed coordinate part `fixed`.
    #[inline]
    fn split(&self, row: OutAxis, fixed: isize) -> RowSplit {
        let a = &self.ins[row.input];
        let n = row.len;
        let (start, inc, n_lin, shifted_last) = match row.part {
            Part::Grid => match a.cover_last {
                Some(last) => (fixed - a.pad_lo, a.step, n - 1, Some(fixed + last)),
                None => (fixed - a.pad_lo, a.step, n, None),
            },
            Part::Inner => (fixed, a.dilation, n, None),
            Part::Plain => (0, 1, n, None),
        };
        let (i0, i1) = if n_lin == 0 {
            (0, 0)
        } else if start >= 0 && start + (n_lin as isize - 1) * inc < a.len {
            (0, n_lin)
        } else {
            // First index with start + i*inc >= 0, and one past the last
            // with start + i*inc <= len-1.
            let i0 = if start >= 0 { 0 } else { ceil_div(-start, inc) };
            let i1 = if start > a.len - 1 {
                0
            } else {
                ((a.len - 1 - start) / inc + 1) as usize
            };
            let i0 = i0.min(n_lin);
            let i1 = i1.clamp(i0, n_lin);
            (i0, i1)
        };
        RowSplit {
            start,
            inc,
            n_lin,
            i0,
            i1,
            shifted_last,
        }
    }
}

/// `ceil(a / b)` for `a >= 0`, `b > 0`, without the overflow of `(a + b - 1) / b`.
#[inline]
fn ceil_div(a: isize, b: isize) -> usize {
    (a / b + isize::from(a % b != 0)) as usize
}

/// Writes the real (non-padding) pieces of patches back into an array:
/// the inverse of a copy where no two positions reach one element.
pub(crate) struct ScatterSink<'a, T> {
    patches: &'a [T],
    /// The array elements `lo..lo + data.len()` this sink writes.
    data: &'a mut [T],
    lo: usize,
    block: usize,
}

impl<'a, T> ScatterSink<'a, T> {
    pub(crate) fn new(patches: &'a [T], data: &'a mut [T], lo: usize, block: usize) -> Self {
        ScatterSink {
            patches,
            data,
            lo,
            block,
        }
    }
}

impl<T: Copy> Sink for ScatterSink<'_, T> {
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        real: bool,
        _w: RunWeights<'_>,
    ) {
        if !real {
            return;
        }
        let b = self.block;
        let (lo, hi) = (self.lo, self.lo + self.data.len());
        let mut put = |out: usize, s: usize, len: usize| {
            let (a0, a1) = (s.max(lo), (s + len).min(hi));
            if a0 < a1 {
                let o = out + (a0 - s);
                self.data[a0 - lo..a1 - lo].copy_from_slice(&self.patches[o..o + (a1 - a0)]);
            }
        };
        if n == 1 || step == b as isize {
            put(out, src, n * b);
            return;
        }
        let mut at = src as isize;
        for t in 0..n {
            put(out + t * b, at as usize, b);
            at = at.wrapping_add(step);
        }
    }

    fn remapped(&mut self, _out: usize, _src: usize) {}

    fn constant(&mut self, _out: usize, _n: usize) {}
}

/// The shape and the given view strides of `plan` in output `order`.
pub(crate) fn ordered(
    plan: &Plan,
    view_strides: &[isize],
    order: PatchOrder,
) -> (Vec<usize>, Vec<isize>) {
    let n = plan.outer_shape().len();
    match order {
        PatchOrder::PatchMajor => (plan.shape().to_vec(), view_strides.to_vec()),
        PatchOrder::FeatureMajor => (
            [plan.inner_shape(), plan.outer_shape()].concat(),
            [&view_strides[n..], &view_strides[..n]].concat(),
        ),
    }
}
