//! The column loops: the rows of one odometer position, one per index of
//! the last loop axis (the column). Interior columns, whose coordinate
//! stays inside the input, share one row split and run in a tight loop;
//! border columns are placed and split one by one.

use std::ops::Range;

use super::row::{CACHED, Piece, PieceCache};
use super::{Place, Rows, RunWeights, Sink, Walk, WalkAxis};
use crate::odometer::MAX_AXES;
use crate::plan::{Line, Part};

/// What a walk keeps from row to row, on the stack: the coordinates of the
/// live input axes and the pieces of a row.
pub(super) struct Scratch {
    coords: [isize; MAX_AXES],
    pieces: PieceCache,
}

impl Scratch {
    pub(super) fn new() -> Self {
        Scratch {
            coords: [0; MAX_AXES],
            pieces: [Piece::default(); CACHED],
        }
    }
}

/// Where a call of [`Walk::rows`] works: the index of the loop axes before
/// the column, the output position of the first row, the column indices.
pub(super) struct RowsAt<'a> {
    pub(super) idx: &'a [usize],
    pub(super) out: usize,
    pub(super) cols: Range<usize>,
}

/// What the rows of one odometer position share.
struct ColumnCtx<'a> {
    /// Coordinate of every live input axis from the odometer axes and the
    /// axes of length 1.
    coords: &'a [isize],
    /// The placement by every axis but the row's and the column's.
    place: Place,
    /// The column and the row walk the same input axis.
    shared: bool,
    scale: f64,
    row_weights: &'a [f64],
    col_weights: Option<&'a [f64]>,
    /// The coordinates of the column's indices.
    col_line: Line,
    /// Output position of the row of column index `first`.
    out: usize,
    first: usize,
}

impl ColumnCtx<'_> {
    /// Output position of the row of column index `t`.
    #[inline]
    fn out_of(&self, t: usize, row_out: usize) -> usize {
        self.out + (t - self.first) * row_out
    }

    /// The weights of the rows of column index `t`.
    #[inline(always)]
    fn weights(&self, t: usize) -> RunWeights<'_> {
        RunWeights {
            scale: self.col_weights.map_or(self.scale, |w| self.scale * w[t]),
            row: self.row_weights,
        }
    }
}

impl Walk<'_> {
    /// The weights of the positions of `o`, when it is an inner axis of a
    /// weighted fold.
    #[inline]
    fn weights_of(&self, o: &WalkAxis) -> &[f64] {
        match o.part {
            Part::Inner => self.ins[o.input].weights,
            Part::Grid => &[],
        }
    }

    /// The row axis and the column axis, when the walk has both.
    #[inline]
    fn row_and_column(&self) -> Option<(&WalkAxis, &WalkAxis)> {
        Some((
            self.row.as_ref()?,
            self.outs.get(self.n_loop.checked_sub(1)?)?,
        ))
    }

    /// Emits the rows of one odometer position of the loop axes before the
    /// column, for the column indices `at.cols`.
    pub(super) fn rows<S: Sink>(&self, sink: &mut S, at: RowsAt<'_>, scratch: &mut Scratch) {
        let Some(row) = &self.row else { return };
        let Scratch { coords, pieces } = scratch;
        let coords = &mut coords[..self.ins.len()];
        for (c, a) in coords.iter_mut().zip(&self.ins) {
            *c = a.fixed;
        }
        let mut scale = self.scale;
        for (o, &i) in self.outs.iter().zip(at.idx) {
            coords[o.input] += o.line.at(i);
            if self.weighted {
                let w = self.weights_of(o);
                if !w.is_empty() {
                    scale *= w[i];
                }
            }
        }
        let col = self.n_loop.checked_sub(1).map(|m| &self.outs[m]);
        let mut place = self.fixed;
        for (axis, a) in self.ins.iter().enumerate() {
            if axis != row.input && col.is_none_or(|c| c.input != axis) {
                place.add(a, coords[axis], self.mode);
            }
        }
        let row_weights = self.weights_of(row);
        let Some(col) = col else {
            let w = RunWeights {
                scale,
                row: row_weights,
            };
            self.emit_row(sink, (at.out, place, coords[row.input]), w, pieces);
            return;
        };
        let col_weights = Some(self.weights_of(col)).filter(|w| !w.is_empty());
        let ctx = ColumnCtx {
            coords,
            place,
            shared: col.input == row.input,
            scale,
            row_weights,
            col_weights,
            col_line: col.line.shifted(coords[col.input]),
            out: at.out,
            first: at.cols.start,
        };
        let cols = at.cols;
        // The interior columns: their coordinate follows the linear rule and
        // lies inside the axis, so their rows differ only by a fixed step.
        let lin_end = cols.end.min(col.line.n_lin);
        // With a shared axis the column moves the whole row: an interior
        // column is one whose row reads no padding at all.
        let (reach_lo, reach_hi) = if ctx.shared {
            (row.line.start, row.line.at(row.line.n_lin - 1))
        } else {
            (0, 0)
        };
        let (t0, t1) = if place.constant || cols.start >= lin_end {
            (cols.end, cols.end)
        } else {
            let len = self.ins[col.input].len;
            let inside = ctx.col_line.inside(-reach_lo, len - 1 - reach_hi);
            let t0 = inside.start.clamp(cols.start, lin_end);
            (t0, inside.end.clamp(t0, lin_end))
        };
        if t0 == t1 {
            self.slow_rows(&ctx, sink, cols, pieces);
            return;
        }
        if cols.start < t0 {
            self.slow_rows(&ctx, sink, cols.start..t0, pieces);
        }
        self.tight_rows(&ctx, sink, t0..t1, pieces);
        if t1 < cols.end {
            self.slow_rows(&ctx, sink, t1..cols.end, pieces);
        }
    }

    /// Rows of interior columns: one row split, the source moving by a
    /// fixed step from row to row.
    fn tight_rows<S: Sink>(
        &self,
        ctx: &ColumnCtx<'_>,
        sink: &mut S,
        cols: Range<usize>,
        cache: &mut PieceCache,
    ) {
        let Some((row, col)) = self.row_and_column() else {
            return;
        };
        let ca = &self.ins[col.input];
        let c = ctx.col_line.at(cols.start);
        // A shared column moves the row's own coordinate; another column
        // moves the row's source start.
        let (split, mut at) = if ctx.shared {
            (self.split(row, c), ctx.place.base)
        } else {
            (
                self.split(row, ctx.coords[row.input]),
                ctx.place.base + c * ca.stride,
            )
        };
        let step = col.line.inc.wrapping_mul(ca.stride);
        let mut out = ctx.out_of(cols.start, self.row_out);
        let ra = &self.ins[row.input];
        let b = self.block as isize;
        let contiguous = row.len == 1 || row.line.inc.wrapping_mul(ra.stride) == b;
        if !self.weighted && !ctx.place.pad && contiguous && split.is_inside() {
            // Every row is one contiguous run: hand the sink the whole column.
            sink.rows(Rows {
                out,
                out_step: self.row_out,
                src: (at + split.line.start * ra.stride) as usize,
                src_step: step,
                rows: cols.len(),
                n: row.len,
                block: self.block,
            });
            return;
        }
        // Every row has the same shape: work out its pieces once, relative
        // to the row's start, and replay them row after row.
        let pieces = self.pieces(split, row, cache);
        if S::OVERWRITES && !self.weighted && cols.len() > 1 && step == self.row_out as isize {
            // The rows follow each other in the source as in the output, so
            // their runs, and what lies between them, are one contiguous run:
            // copy it at once, then write each row's padding over the
            // elements that run put between the rows (the source elements
            // there are real, so the copy stays inside the input).
            if let Some(Piece::Run {
                out: o,
                src,
                step: s,
                n,
                ..
            }) = pieces.single_run()
                && (n == 1 || s == b)
            {
                let blocks = (cols.len() - 1) * row.len + n;
                sink.interior(
                    out + o,
                    (at + src) as usize,
                    b,
                    blocks,
                    !ctx.place.pad,
                    RunWeights::ONE,
                );
                for _ in cols {
                    pieces.for_each(|piece| match piece {
                        Piece::Remapped { out: o, src } => {
                            sink.remapped(out + o, (at + src) as usize)
                        }
                        Piece::Constant { out: o, n } => sink.constant(out + o, n),
                        Piece::Run { .. } => {}
                    });
                    at = at.wrapping_add(step);
                    out += self.row_out;
                }
                return;
            }
        }
        let mut place = ctx.place;
        if ctx.col_weights.is_none() {
            // Every row has the same weights (none, for a copy).
            let w = ctx.weights(cols.start);
            for _ in cols {
                place.base = at;
                self.emit(sink, out, place, &pieces, w);
                at = at.wrapping_add(step);
                out += self.row_out;
            }
            return;
        }
        for t in cols {
            place.base = at;
            self.emit(sink, out, place, &pieces, ctx.weights(t));
            at = at.wrapping_add(step);
            out += self.row_out;
        }
    }

    /// Rows of border columns (or of a column sharing the row's axis), each
    /// placed and split on its own.
    fn slow_rows<S: Sink>(
        &self,
        ctx: &ColumnCtx<'_>,
        sink: &mut S,
        cols: Range<usize>,
        cache: &mut PieceCache,
    ) {
        let Some((row, col)) = self.row_and_column() else {
            return;
        };
        let ca = &self.ins[col.input];
        let mut out = ctx.out_of(cols.start, self.row_out);
        for t in cols {
            let c = ctx.col_line.at(t);
            let mut place = ctx.place;
            // A shared axis is placed by the row, element by element.
            let fixed = if ctx.shared {
                c
            } else {
                place.add(ca, c, self.mode);
                ctx.coords[row.input]
            };
            self.emit_row(sink, (out, place, fixed), ctx.weights(t), cache);
            out += self.row_out;
        }
    }
}
