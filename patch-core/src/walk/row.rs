//! Row splitting: where the coordinates of a row fall on its axis, and the
//! pieces (runs, remapped blocks, constant fills) a sink receives for it.

use super::{InAxis, Place, RunWeights, Sink, Walk, WalkAxis};
use crate::padding::{PadMode, remap};
use crate::plan::Line;

/// One piece of a row, relative to the row's source and output starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Piece {
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

impl Default for Piece {
    fn default() -> Self {
        Piece::Constant { out: 0, n: 0 }
    }
}

/// How a row's coordinates fall on its axis: the linear indices `i0..i1`
/// lie inside, those before below it, those from `i1` to `n_lin` above it;
/// a Cover-shifted last index anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RowSplit {
    pub(super) line: Line,
    pub(super) i0: usize,
    pub(super) i1: usize,
}

impl RowSplit {
    /// The split of a row visiting the absolute coordinates `line` of an
    /// axis of length `len`.
    #[inline]
    pub(super) fn new(line: Line, len: isize) -> Self {
        let inside = line.inside(0, len - 1);
        RowSplit {
            line,
            i0: inside.start,
            i1: inside.end,
        }
    }

    /// Whether the whole row is one linear run inside the axis.
    pub(super) fn is_inside(&self) -> bool {
        self.i0 == 0 && self.i1 == self.line.n_lin && self.line.last.is_none()
    }

    /// Calls `f` with the pieces of the row in output order, for an axis
    /// `a` and blocks of `b` elements: the left border, the interior run,
    /// the right border, the shifted last index. Border indices all lie
    /// outside the axis (the line is increasing), so constant padding is
    /// one piece per side.
    #[inline]
    pub(super) fn for_each_piece(
        &self,
        a: &InAxis<'_>,
        b: usize,
        mode: PadMode,
        mut f: impl FnMut(Piece),
    ) {
        let line = self.line;
        #[inline(always)]
        fn border(
            range: std::ops::Range<usize>,
            (a, b, mode, line): (&InAxis<'_>, usize, PadMode, Line),
            f: &mut impl FnMut(Piece),
        ) {
            if range.is_empty() {
                return;
            }
            if mode == PadMode::Constant {
                f(Piece::Constant {
                    out: range.start * b,
                    n: range.len(),
                });
                return;
            }
            for i in range {
                f(piece_at(a, b, mode, i, line.at(i)));
            }
        }
        border(0..self.i0, (a, b, mode, line), &mut f);
        if self.i0 < self.i1 {
            f(Piece::Run {
                out: self.i0 * b,
                src: line.at(self.i0) * a.stride,
                step: line.inc.wrapping_mul(a.stride),
                n: self.i1 - self.i0,
                first: self.i0,
            });
        }
        border(self.i1..line.n_lin, (a, b, mode, line), &mut f);
        if let Some(c) = line.last {
            f(piece_at(a, b, mode, line.n_lin, c));
        }
    }
}

/// The piece of row index `i`, whose coordinate `c` may lie in padding.
#[inline]
fn piece_at(a: &InAxis<'_>, b: usize, mode: PadMode, i: usize, c: isize) -> Piece {
    if c >= 0 && c < a.len {
        return Piece::Run {
            out: i * b,
            src: c * a.stride,
            step: 0,
            n: 1,
            first: i,
        };
    }
    match remap(c, a.len as usize, mode) {
        Some(r) => Piece::Remapped {
            out: i * b,
            src: r as isize * a.stride,
        },
        None => Piece::Constant { out: i * b, n: 1 },
    }
}

/// Pieces a row keeps for replaying; a row with more is split again for
/// every row that shares it.
pub(super) const CACHED: usize = 16;

/// Room for the pieces of one row, kept by a walk for all its rows.
pub(super) type PieceCache = [Piece; CACHED];

/// The pieces of one row split, worked out once for every row that shares
/// the split (the rows of interior columns), without allocating.
pub(super) struct RowPieces<'a> {
    split: RowSplit,
    axis: &'a InAxis<'a>,
    block: usize,
    mode: PadMode,
    /// The pieces, or `None` when there were more than the cache holds.
    cached: Option<&'a [Piece]>,
}

impl<'a> RowPieces<'a> {
    /// The pieces of `split`, kept in `cache` when they fit.
    pub(super) fn new(
        split: RowSplit,
        (axis, block, mode): (&'a InAxis<'a>, usize, PadMode),
        cache: &'a mut PieceCache,
    ) -> Self {
        let mut n = Some(0);
        split.for_each_piece(axis, block, mode, |p| {
            n = n.and_then(|k| {
                let slot = cache.get_mut(k)?;
                *slot = p;
                Some(k + 1)
            });
        });
        RowPieces {
            split,
            axis,
            block,
            mode,
            cached: n.map(|n| &cache[..n]),
        }
    }

    /// The pieces, when they fit the cache.
    #[inline(always)]
    pub(super) fn cached(&self) -> Option<&[Piece]> {
        self.cached
    }

    /// Calls `f` with every piece in output order.
    #[inline(always)]
    pub(super) fn for_each(&self, mut f: impl FnMut(Piece)) {
        match self.cached() {
            Some(list) => {
                for &p in list {
                    f(p);
                }
            }
            None => self.for_each_again(f),
        }
    }

    /// The pieces of a row with more of them than the cache holds, split
    /// again.
    #[inline(never)]
    pub(super) fn for_each_again(&self, f: impl FnMut(Piece)) {
        self.split
            .for_each_piece(self.axis, self.block, self.mode, f);
    }

    /// The run of the row when it has exactly one.
    pub(super) fn single_run(&self) -> Option<Piece> {
        let (mut run, mut runs) = (None, 0);
        self.for_each(|p| {
            if let Piece::Run { .. } = p {
                run = Some(p);
                runs += 1;
            }
        });
        run.filter(|_| runs == 1)
    }
}

/// Hands one piece of a row at output position `out`, placed by `place`,
/// to the sink.
#[inline(always)]
fn emit_piece<S: Sink>(sink: &mut S, out: usize, place: Place, piece: Piece, w: RunWeights<'_>) {
    let base = place.base;
    match piece {
        Piece::Run {
            out: o,
            src,
            step,
            n,
            first,
        } => {
            let row = if w.row.is_empty() {
                w.row
            } else {
                &w.row[first..first + n]
            };
            let w = RunWeights {
                scale: w.scale,
                row,
            };
            sink.interior(out + o, (base + src) as usize, step, n, !place.pad, w);
        }
        Piece::Remapped { out: o, src } => sink.remapped(out + o, (base + src) as usize),
        Piece::Constant { out: o, n } => sink.constant(out + o, n),
    }
}

impl Walk<'_> {
    /// The split of `row` where its input axis has the fixed coordinate
    /// `fixed` from the other axes of the same input axis.
    #[inline]
    pub(super) fn split(&self, row: &WalkAxis, fixed: isize) -> RowSplit {
        RowSplit::new(row.line.shifted(fixed), self.ins[row.input].len)
    }

    /// The pieces of `split`, a split of `row`, kept in `cache`.
    pub(super) fn pieces<'a>(
        &'a self,
        split: RowSplit,
        row: &WalkAxis,
        cache: &'a mut PieceCache,
    ) -> RowPieces<'a> {
        RowPieces::new(split, (&self.ins[row.input], self.block, self.mode), cache)
    }

    /// Emits one row from its pieces, at output position `out`, placed by
    /// `place` (source offset, remapped padding).
    #[inline(always)]
    pub(super) fn emit<S: Sink>(
        &self,
        sink: &mut S,
        out: usize,
        place: Place,
        pieces: &RowPieces<'_>,
        w: RunWeights<'_>,
    ) {
        match pieces.cached() {
            Some(list) => {
                for &piece in list {
                    emit_piece(sink, out, place, piece, w);
                }
            }
            None => pieces.for_each_again(|piece| emit_piece(sink, out, place, piece, w)),
        }
    }

    /// Emits one row on its own: split at `fixed` and placed by `place`,
    /// its pieces kept in `cache`.
    pub(super) fn emit_row<S: Sink>(
        &self,
        sink: &mut S,
        (out, place, fixed): (usize, Place, isize),
        w: RunWeights<'_>,
        cache: &mut PieceCache,
    ) {
        let Some(row) = &self.row else { return };
        if place.constant {
            sink.constant(out, row.len);
            return;
        }
        let pieces = self.pieces(self.split(row, fixed), row, cache);
        self.emit(sink, out, place, &pieces, w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(len: isize) -> InAxis<'static> {
        InAxis {
            plan_input: 0,
            len,
            stride: 10,
            fixed: 0,
            weights: &[],
        }
    }

    fn pieces(line: Line, len: isize, block: usize, mode: PadMode) -> Vec<Piece> {
        let a = axis(len);
        let mut v = Vec::new();
        RowSplit::new(line, len).for_each_piece(&a, block, mode, |p| v.push(p));
        v
    }

    #[test]
    fn rows_split_into_borders_and_one_interior_run() {
        // Coordinates -2 -1 0 1 2 3 4 on an axis of 4.
        let line = Line {
            start: -2,
            inc: 1,
            n_lin: 7,
            last: None,
        };
        let split = RowSplit::new(line, 4);
        assert_eq!((split.i0, split.i1, split.is_inside()), (2, 6, false));
        assert_eq!(
            pieces(line, 4, 2, PadMode::Constant),
            [
                Piece::Constant { out: 0, n: 2 },
                Piece::Run {
                    out: 4,
                    src: 0,
                    step: 10,
                    n: 4,
                    first: 2
                },
                Piece::Constant { out: 12, n: 1 },
            ]
        );
        // Reflect remaps each border index: -2 -> 2, -1 -> 1, 4 -> 2.
        assert_eq!(
            pieces(line, 4, 2, PadMode::Reflect),
            [
                Piece::Remapped { out: 0, src: 20 },
                Piece::Remapped { out: 2, src: 10 },
                Piece::Run {
                    out: 4,
                    src: 0,
                    step: 10,
                    n: 4,
                    first: 2
                },
                Piece::Remapped { out: 12, src: 20 },
            ]
        );
        // A Cover-shifted last index inside the axis is a run of one.
        let cover = Line {
            start: 0,
            inc: 3,
            n_lin: 2,
            last: Some(4),
        };
        assert!(!RowSplit::new(cover, 8).is_inside());
        assert_eq!(
            pieces(cover, 8, 2, PadMode::Constant)[1],
            Piece::Run {
                out: 4,
                src: 40,
                step: 0,
                n: 1,
                first: 2
            }
        );
        // A row wholly inside is one run.
        let inside = Line {
            start: 1,
            inc: 2,
            n_lin: 3,
            last: None,
        };
        assert!(RowSplit::new(inside, 6).is_inside());
    }

    #[test]
    fn long_borders_are_produced_again_instead_of_stored() {
        let a = axis(3);
        let line = Line {
            start: -40,
            inc: 1,
            n_lin: 43,
            last: None,
        };
        let split = RowSplit::new(line, 3);
        let mut cache = [Piece::default(); CACHED];
        let cached = RowPieces::new(split, (&a, 1, PadMode::Wrap), &mut cache);
        assert_eq!(cached.cached(), None);
        let mut replayed = Vec::new();
        cached.for_each(|p| replayed.push(p));
        assert_eq!(replayed, pieces(line, 3, 1, PadMode::Wrap));
        assert_eq!(replayed.len(), 41);
        let short = RowPieces::new(split, (&a, 1, PadMode::Constant), &mut cache);
        assert_eq!(short.cached().map(<[Piece]>::len), Some(2));
        assert!(short.single_run().is_some());
    }
}
