//! The resolved geometry of one input axis, and every per-axis formula of
//! the crate: how each padding convention places the windows (the one
//! place a new convention is added), the extent, the grid, the origin of
//! window `k`, the coordinates an output axis visits ([`Line`]), the
//! interior windows, the increments that make view strides, the collision
//! and tiling tests, and the range of elements an axis reads.
//!
//! Every role is described with the same numbers, so that the copy, fold,
//! view and span code never branches on the role: a batch axis is a window
//! of size 1 and step 1 (one window per index), a whole axis one window
//! spanning the axis (grid 1, dilation 1). Its output axes are its grid
//! (the *outer* part, absent for whole axes) and the positions inside the
//! window (the *inner* part, absent for batch axes).

use std::ops::Range;

use crate::error::{Result, bail, err};
use crate::padding::{Convention, PadMode, remap};
use crate::spec::{AxisRole, Window};

/// The resolved geometry of one input axis.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct AxisPlan {
    /// The role the spec gave the axis.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub role: AxisRole,
    /// Length of the input axis.
    pub len: usize,
    /// Padding before the first element (window axes only).
    pub pad_lo: usize,
    /// Padding after the last element (window axes only).
    pub pad_hi: usize,
    /// Number of windows (window axes), the length (batch axes), or 1 (whole axes).
    pub grid: usize,
    /// With [`Convention::Cover`], the origin of the last window when it was
    /// shifted back to end at the border.
    pub cover_last: Option<usize>,
}

/// Which output axis of an input axis: its grid or the positions inside
/// its window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Part {
    /// The window index (outer axes): batch and window axes.
    #[default]
    Grid,
    /// The position inside the window (inner axes): window and whole axes.
    Inner,
}

/// The input coordinates the indices of an output axis visit, relative to
/// what the axis's other part adds: `start + i*inc` for the first `n_lin`
/// indices, then, for a grid shifted by [`Convention::Cover`], `last`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) start: isize,
    /// At least 1. A part of at most one index whose step does not fit
    /// `isize` has `isize::MAX` here: it is never multiplied by an index > 0.
    pub(crate) inc: isize,
    pub(crate) n_lin: usize,
    pub(crate) last: Option<isize>,
}

impl Line {
    /// Number of indices.
    pub(crate) fn len(&self) -> usize {
        self.n_lin + usize::from(self.last.is_some())
    }

    /// The coordinate of index `i`.
    #[inline]
    pub(crate) fn at(&self, i: usize) -> isize {
        match self.last {
            Some(c) if i >= self.n_lin => c,
            _ => self.start + i as isize * self.inc,
        }
    }

    /// The same line moved by `by` (the coordinate the other part adds).
    #[inline]
    pub(crate) fn shifted(self, by: isize) -> Line {
        Line {
            start: self.start + by,
            last: self.last.map(|c| c + by),
            ..self
        }
    }

    /// The linear indices whose coordinate lies in `lo..=hi`: `i0..i1` with
    /// every index before `i0` below `lo` and every index from `i1` to
    /// `n_lin` above `hi` (when `lo > hi` the range is empty, placed where
    /// the coordinates cross `lo`). The shifted last index is not included.
    #[inline]
    pub(crate) fn inside(&self, lo: isize, hi: isize) -> Range<usize> {
        let inc = self.inc as usize;
        let i0 = if self.start >= lo {
            0
        } else {
            lo.abs_diff(self.start).div_ceil(inc)
        };
        let i1 = if self.start > hi {
            0
        } else {
            (hi.abs_diff(self.start) / inc).saturating_add(1)
        };
        let i0 = i0.min(self.n_lin);
        i0..i1.clamp(i0, self.n_lin)
    }
}

/// `isize::try_from(v)`, or `isize::MAX` for a value that only ever meets
/// index 0 (see [`Line::inc`]).
fn coord(v: usize) -> isize {
    isize::try_from(v).unwrap_or(isize::MAX)
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn lcm(a: usize, b: usize) -> usize {
    // a, b >= 1; saturate: a saturated lcm only makes the collision test fail.
    (a / gcd(a, b)).saturating_mul(b)
}

impl AxisPlan {
    /// A batch axis of length `len`.
    pub(crate) fn batch(len: usize) -> Self {
        AxisPlan {
            role: AxisRole::Batch,
            len,
            pad_lo: 0,
            pad_hi: 0,
            grid: len,
            cover_last: None,
        }
    }

    /// A whole axis of length `len`.
    pub(crate) fn whole(len: usize) -> Self {
        AxisPlan {
            grid: 1,
            role: AxisRole::Whole,
            ..AxisPlan::batch(len)
        }
    }

    /// Resolves window `w` on axis `axis` of length `len`: its padding and
    /// grid under `convention` (`pads` are the explicit ones of this axis).
    /// With `empty_when_short`, a window that does not fit gives no windows
    /// instead of an error (`tf.signal.frame`'s rule).
    pub(crate) fn window_axis(
        axis: usize,
        w: Window,
        len: usize,
        convention: &Convention,
        pads: Option<(usize, usize)>,
        mode: PadMode,
        empty_when_short: bool,
    ) -> Result<Self> {
        let extent = w.checked_extent(axis)?;
        let mut plan = AxisPlan {
            role: AxisRole::Window(w),
            grid: 0,
            ..AxisPlan::batch(len)
        };
        let too_large = |padded: Option<(usize, usize)>, hint: &str| {
            err!(
                WindowTooLarge,
                "{}{hint}",
                window_message(axis, &w, extent, len, padded)
            )
        };
        match convention {
            Convention::Valid => {
                if len < extent && empty_when_short {
                    return Ok(plan);
                }
                if len < extent {
                    return Err(too_large(None, ""));
                }
                plan.grid = (len - extent) / w.step + 1;
            }
            Convention::Explicit(_) => {
                let (lo, hi) = pads.unwrap_or((0, 0));
                let padded = len
                    .checked_add(lo)
                    .and_then(|n| n.checked_add(hi))
                    .filter(|&n| n <= isize::MAX as usize)
                    .ok_or_else(|| {
                        err!(
                            Overflow,
                            "axis {axis} of length {len} padded by ({lo}, {hi}) overflows isize"
                        )
                    })?;
                if len == 0 && padded > 0 && mode != PadMode::Constant {
                    bail!(
                        InvalidArgument,
                        "cannot pad axis {axis} of length 0 with mode {}: there is no element to read",
                        mode.name()
                    );
                }
                plan.pad_lo = lo;
                plan.pad_hi = hi;
                if padded < extent && empty_when_short {
                    return Ok(plan);
                }
                if padded < extent {
                    return Err(too_large(Some((lo, hi)), ""));
                }
                plan.grid = (padded - extent) / w.step + 1;
            }
            Convention::Same => {
                if len > 0 {
                    let grid = len.div_ceil(w.step);
                    // (grid-1)*step < len, so this fits.
                    let total = ((grid - 1) * w.step + extent).saturating_sub(len);
                    if len
                        .checked_add(total)
                        .is_none_or(|n| n > isize::MAX as usize)
                    {
                        bail!(
                            Overflow,
                            "axis {axis} of length {len} padded by {total} for SAME overflows isize"
                        );
                    }
                    plan.grid = grid;
                    plan.pad_lo = total / 2;
                    plan.pad_hi = total - total / 2;
                }
            }
            Convention::Cover => {
                if len < extent {
                    return Err(too_large(
                        None,
                        " (Cover shifts windows inside the axis; use Same or explicit padding for a larger window)",
                    ));
                }
                let room = len - extent;
                plan.grid = room.div_ceil(w.step) + 1;
                if !room.is_multiple_of(w.step) {
                    plan.cover_last = Some(room);
                }
            }
        }
        Ok(plan)
    }

    /// The window of a window axis.
    pub fn window(&self) -> Option<Window> {
        match self.role {
            AxisRole::Window(w) => Some(w),
            _ => None,
        }
    }

    /// Samples per window: the window size, 1 for a batch axis, the length
    /// for a whole axis.
    pub(crate) fn size(&self) -> usize {
        match self.role {
            AxisRole::Window(w) => w.size,
            AxisRole::Batch => 1,
            AxisRole::Whole => self.len,
        }
    }

    /// Coordinate increment per index of `part`: the step or the dilation
    /// of a window, 1 for the other roles.
    pub(crate) fn increment(&self, part: Part) -> usize {
        match (self.role, part) {
            (AxisRole::Window(w), Part::Grid) => w.step,
            (AxisRole::Window(w), Part::Inner) => w.dilation,
            _ => 1,
        }
    }

    /// Elements of the axis one window spans, `dilation*(size-1)+1` (1 for a
    /// batch axis, the length for a whole axis, 0 when that is 0). The plan
    /// checked that it fits `isize`.
    pub fn extent(&self) -> usize {
        match self.size() {
            0 => 0,
            n => (n - 1) * self.increment(Part::Inner) + 1,
        }
    }

    /// Whether `part` is an axis of the patch array (a batch axis has no
    /// inner axis, a whole axis no outer one).
    pub(crate) fn has_part(&self, part: Part) -> bool {
        !matches!(
            (self.role, part),
            (AxisRole::Batch, Part::Inner) | (AxisRole::Whole, Part::Grid)
        )
    }

    /// Length of the output axis of `part`: the grid or the window size.
    pub(crate) fn part_len(&self, part: Part) -> usize {
        match part {
            Part::Grid => self.grid,
            Part::Inner => self.size(),
        }
    }

    /// The coordinates the indices of `part` visit: window origins
    /// (`k*step - pad_lo`, then the Cover-shifted last one) or positions in
    /// the window (`j*dilation`).
    #[inline]
    pub(crate) fn line(&self, part: Part) -> Line {
        let inc = coord(self.increment(part));
        match part {
            Part::Grid => Line {
                start: -(self.pad_lo as isize),
                inc,
                n_lin: self.grid - usize::from(self.cover_last.is_some()),
                last: self.cover_last.map(|c| c as isize),
            },
            Part::Inner => Line {
                start: 0,
                inc,
                n_lin: self.size(),
                last: None,
            },
        }
    }

    /// Input coordinate of the first sample of window `k` (negative inside
    /// padding); the index itself for batch axes, 0 for whole axes.
    pub fn origin(&self, k: usize) -> isize {
        self.line(Part::Grid).at(k)
    }

    /// The positions of window `k`: its coordinates, `dilation` apart.
    fn positions(&self, k: usize) -> Line {
        self.line(Part::Inner).shifted(self.origin(k))
    }

    /// The windows (before a Cover-shifted last one) that read no padding:
    /// all of a batch or whole axis.
    pub(crate) fn interior(&self) -> Range<usize> {
        let windows = self.line(Part::Grid);
        match self.len.checked_sub(self.extent()) {
            Some(room) => windows.inside(0, room as isize),
            None => 0..0,
        }
    }

    /// Whether two (window, position) pairs of this axis read the same
    /// coordinate: positions `k*step + j*dilation` collide iff the smallest
    /// non-zero solution of `dk*step == dj*dilation` fits, that is
    /// `dk = lcm/step < grid` and `dj = lcm/dilation < size`. A Cover-shifted
    /// last window collides whenever there is more than one window.
    pub fn windows_collide(&self) -> bool {
        let (step, dilation) = (self.increment(Part::Grid), self.increment(Part::Inner));
        let l = lcm(step, dilation);
        (self.grid > l / step && self.size() > l / dilation)
            || (self.cover_last.is_some() && self.grid > 1)
    }

    /// Whether strides express the axis's windows: none reads padding and
    /// none was shifted, so window `k` starts at `k*step`.
    pub(crate) fn is_strided(&self) -> bool {
        self.pad_lo == 0
            && self.cover_last.is_none()
            && (self.grid == 0 || !self.window_touches_padding(self.grid - 1))
    }

    /// Whether window `k` reads any coordinate outside the axis.
    pub fn window_touches_padding(&self, k: usize) -> bool {
        let o = self.origin(k);
        o < 0 || o + self.extent() as isize > self.len as isize
    }

    /// The windows that read some coordinate inside the axis: those before
    /// are wholly below it, those from the end on wholly above it.
    fn reaching(&self) -> Range<usize> {
        let windows = self.line(Part::Grid);
        let first = windows.inside(1 - self.extent() as isize, isize::MAX).start;
        first..windows.inside(isize::MIN, self.len as isize - 1).end
    }

    /// Calls `f` with every window that reads inside the axis but is not
    /// interior (a partly padded window, or a Cover-shifted one) until `f`
    /// returns `false`; returns whether every call returned `true`.
    fn for_border_windows(&self, mut f: impl FnMut(usize) -> bool) -> bool {
        let (interior, reaching) = (self.interior(), self.reaching());
        let sides = if interior.is_empty() {
            [reaching, 0..0]
        } else {
            // Interior windows read inside, so they lie within `reaching`.
            [reaching.start..interior.start, interior.end..reaching.end]
        };
        sides.into_iter().flatten().all(&mut f) && (self.cover_last.is_none() || f(self.grid - 1))
    }

    /// Whether the windows read every coordinate of the axis exactly once
    /// (no collision and no gap), so that a fold writes every element: the
    /// (distinct) positions inside the axis number its length.
    pub(crate) fn reads_each_once(&self) -> bool {
        if self.windows_collide() {
            return false;
        }
        let last = self.len as isize - 1;
        let mut count = self.interior().len().saturating_mul(self.size());
        self.for_border_windows(|k| {
            count = count.saturating_add(self.positions(k).inside(0, last).len());
            count <= self.len
        }) && count == self.len
    }

    /// The lowest and highest coordinate of the axis that any patch reads,
    /// once `mode` has remapped the coordinates in padding; `None` when no
    /// patch reads any (there are no windows, or every position lies in
    /// constant padding).
    ///
    /// Interior windows count by their first and last position; only the
    /// windows that read padding are visited, and for the periodic modes
    /// only those that can read something new: windows `lcm(period, step)`
    /// apart read the same elements, and so do positions
    /// `lcm(period, dilation)` apart. The search stops once the whole axis
    /// is read, or after [`READ_BOUNDS_BUDGET`] positions: then the whole
    /// axis counts (an upper bound, for axes with that many padded windows
    /// of distinct reads, which no real input has).
    pub(crate) fn read_bounds(&self, mode: PadMode) -> Option<(usize, usize)> {
        if self.grid == 0 || self.size() == 0 || self.len == 0 {
            return None;
        }
        if self.len == 1 && mode != PadMode::Constant {
            // Every position reads the one element.
            return Some((0, 0));
        }
        let last = self.len as isize - 1;
        let mut bounds = Bounds::new(last);
        // Positions left to visit; 0 once the budget ran out.
        let mut budget = READ_BOUNDS_BUDGET;
        let mut spend = || {
            budget = budget.saturating_sub(1);
            budget > 0
        };
        let interior = self.interior();
        if !interior.is_empty() {
            bounds.add(self.origin(interior.start));
            bounds.add(self.origin(interior.end - 1) + self.extent() as isize - 1);
        }
        let period = match mode {
            PadMode::Constant | PadMode::Edge => None,
            PadMode::Wrap => Some(self.len),
            PadMode::Reflect => Some(2 * (self.len - 1)),
            PadMode::Symmetric => Some(2 * self.len),
        };
        match period {
            None => {
                if mode == PadMode::Edge {
                    // Any position below the axis reads its first element,
                    // any above it its last.
                    let windows = self.line(Part::Grid);
                    let top = windows.at(windows.len() - 1).max(windows.at(0));
                    if windows.start < 0 {
                        bounds.add(0);
                    }
                    if top + self.extent() as isize - 1 > last {
                        bounds.add(last);
                    }
                }
                // Otherwise padding reads nothing: the positions of the
                // border windows that lie inside the axis.
                self.for_border_windows(|k| {
                    let p = self.positions(k);
                    let r = p.inside(0, last);
                    spend()
                        && (r.is_empty()
                            || !(bounds.add(p.at(r.start)) | bounds.add(p.at(r.end - 1))))
                });
            }
            Some(period) => {
                let windows = period / gcd(period, self.increment(Part::Grid));
                let positions = self
                    .size()
                    .min(period / gcd(period, self.increment(Part::Inner)));
                // Windows wholly in padding read too: every linear window
                // outside the interior, `windows` of them per side at most.
                let n_lin = self.line(Part::Grid).n_lin;
                let sides = if interior.is_empty() {
                    [0..n_lin, 0..0]
                } else {
                    [0..interior.start, interior.end..n_lin]
                };
                let mut visit = |k: usize| {
                    let p = self.positions(k);
                    // Some: a periodic mode on a non-empty axis.
                    (0..positions).all(|j| {
                        spend() && !bounds.add(remap(p.at(j), self.len, mode).unwrap_or(0) as isize)
                    })
                };
                let _ = sides
                    .into_iter()
                    .all(|side| side.take(windows).all(&mut visit))
                    && (self.cover_last.is_none() || visit(self.grid - 1));
            }
        }
        if budget == 0 {
            // Every position read lies on the axis.
            return Some((0, self.len - 1));
        }
        bounds.get()
    }
}

/// The most positions [`AxisPlan::read_bounds`] visits before it counts
/// the whole axis: enough for any axis whose padding is not absurdly
/// larger than its windows, few enough that a plan's span is found in a
/// fraction of a millisecond.
pub(crate) const READ_BOUNDS_BUDGET: usize = 1 << 16;

/// The lowest and highest coordinate seen so far on an axis.
struct Bounds {
    lo: isize,
    hi: isize,
    last: isize,
}

impl Bounds {
    fn new(last: isize) -> Self {
        Bounds {
            lo: isize::MAX,
            hi: isize::MIN,
            last,
        }
    }

    /// Adds `c`; returns whether the bounds now span the whole axis.
    fn add(&mut self, c: isize) -> bool {
        self.lo = self.lo.min(c);
        self.hi = self.hi.max(c);
        self.lo == 0 && self.hi == self.last
    }

    fn get(&self) -> Option<(usize, usize)> {
        (self.lo <= self.hi).then_some((self.lo as usize, self.hi as usize))
    }
}

/// The message of a window that does not fit its axis.
fn window_message(
    axis: usize,
    w: &Window,
    extent: usize,
    len: usize,
    padded: Option<(usize, usize)>,
) -> String {
    let what = if w.dilation == 1 {
        format!("window {}", w.size)
    } else {
        format!(
            "window {} (extent {extent} with dilation {})",
            w.size, w.dilation
        )
    };
    match padded {
        None => format!("{what} is larger than axis {axis} of length {len}"),
        Some((lo, hi)) => {
            format!("{what} is larger than axis {axis} of length {len} padded by ({lo}, {hi})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(len: usize, w: Window, convention: Convention, mode: PadMode) -> AxisPlan {
        let pads = match &convention {
            Convention::Explicit(p) => Some(p[0]),
            _ => None,
        };
        AxisPlan::window_axis(0, w, len, &convention, pads, mode, false).unwrap()
    }

    fn explicit(len: usize, w: Window, pads: (usize, usize), mode: PadMode) -> AxisPlan {
        window(len, w, Convention::Explicit(vec![pads]), mode)
    }

    /// Every coordinate of every (window, position) pair, by brute force.
    fn coords(a: &AxisPlan) -> Vec<isize> {
        (0..a.grid)
            .flat_map(|k| {
                (0..a.size()).map(move |j| a.origin(k) + (j * a.increment(Part::Inner)) as isize)
            })
            .collect()
    }

    #[test]
    fn lines_split_into_below_inside_and_above() {
        let l = Line {
            start: -5,
            inc: 2,
            n_lin: 6,
            last: None,
        };
        // -5 -3 -1 1 3 5: inside 0..=3 are indices 3 and 4.
        assert_eq!(l.inside(0, 3), 3..5);
        assert_eq!(l.inside(0, 100), 3..6);
        assert_eq!(l.inside(-100, -6), 0..0);
        assert_eq!(l.inside(6, 100), 6..6);
        // An empty window of coordinates (an axis of length 0) sits where
        // the line crosses it.
        assert_eq!(l.inside(0, -1), 3..3);
        // Extreme bounds do not overflow.
        assert_eq!(l.inside(isize::MIN, isize::MAX), 0..6);
        let shifted = Line { last: Some(7), ..l }.shifted(10);
        assert_eq!((shifted.at(0), shifted.at(5), shifted.at(6)), (5, 15, 17));
        assert_eq!(shifted.len(), 7);
    }

    #[test]
    fn conventions_resolve_pads_grids_and_origins() {
        let w = Window::new(3, 2);
        let same = window(10, w, Convention::Same, PadMode::Constant);
        // ceil(10/2) = 5 windows, total pad (4*2 + 3) - 10 = 1, smaller half first.
        assert_eq!((same.grid, same.pad_lo, same.pad_hi), (5, 0, 1));
        let cover = window(10, Window::new(4, 4), Convention::Cover, PadMode::Constant);
        assert_eq!((cover.grid, cover.cover_last), (3, Some(6)));
        assert_eq!(
            (0..3).map(|k| cover.origin(k)).collect::<Vec<_>>(),
            [0, 4, 6]
        );
        let padded = explicit(5, w, (3, 0), PadMode::Reflect);
        assert_eq!(
            (0..padded.grid)
                .map(|k| padded.origin(k))
                .collect::<Vec<_>>(),
            [-3, -1, 1]
        );
        // Batch and whole axes speak the same language.
        let b = AxisPlan::batch(4);
        assert_eq!((b.origin(3), b.extent(), b.interior()), (3, 1, 0..4));
        let h = AxisPlan::whole(4);
        assert_eq!((h.origin(0), h.extent(), h.interior()), (0, 4, 0..1));
    }

    #[test]
    fn the_interior_box_holds_the_windows_that_read_no_padding() {
        for (len, w, pads) in [
            (10, Window::new(3, 2), (2, 2)),
            (7, Window::new(2, 3).dilated(2), (4, 1)),
            (3, Window::new(5, 1), (2, 2)),
            (9, Window::new(1, 4), (0, 0)),
        ] {
            let a = explicit(len, w, pads, PadMode::Constant);
            let want: Vec<usize> = (0..a.grid)
                .filter(|&k| !a.window_touches_padding(k))
                .collect();
            assert_eq!(
                a.interior().collect::<Vec<_>>(),
                want,
                "{len} {w:?} {pads:?}"
            );
        }
        // The Cover-shifted window is not linear, so not in the box.
        let cover = window(10, Window::new(4, 4), Convention::Cover, PadMode::Constant);
        assert_eq!(cover.interior(), 0..2);
    }

    #[test]
    fn collisions_follow_step_dilation_and_grid() {
        let tiles = window(8, Window::tile(2), Convention::Valid, PadMode::Constant);
        assert!(!tiles.windows_collide());
        let sliding = window(8, Window::new(3, 1), Convention::Valid, PadMode::Constant);
        assert!(sliding.windows_collide());
        // Step 2, dilation 2, size 2: positions 2k + 2j collide at (k+1, j-1).
        let interleaved = window(
            8,
            Window::new(2, 2).dilated(2),
            Convention::Valid,
            PadMode::Constant,
        );
        assert!(interleaved.windows_collide());
        // Step 1, dilation 3, size 3, grid 3: 0 3 6 / 1 4 7 / 2 5 8 never meet.
        let woven = window(
            9,
            Window::new(3, 1).dilated(3),
            Convention::Valid,
            PadMode::Constant,
        );
        assert!(!woven.windows_collide());
        for a in [tiles, sliding, interleaved, woven] {
            let mut c = coords(&a);
            let n = c.len();
            c.sort_unstable();
            c.dedup();
            assert_eq!(c.len() < n, a.windows_collide(), "{a:?}");
        }
        assert!(!AxisPlan::batch(5).windows_collide());
        assert!(!AxisPlan::whole(5).windows_collide());
    }

    #[test]
    fn reading_each_coordinate_once_is_counted_not_marked() {
        let cases = [
            (
                window(
                    9,
                    Window::new(3, 1).dilated(3),
                    Convention::Valid,
                    PadMode::Constant,
                ),
                true,
            ),
            (
                window(8, Window::tile(2), Convention::Valid, PadMode::Constant),
                true,
            ),
            (
                window(9, Window::tile(2), Convention::Valid, PadMode::Constant),
                false,
            ),
            (
                explicit(5, Window::tile(2), (1, 0), PadMode::Constant),
                true,
            ),
            (
                explicit(5, Window::tile(2), (3, 2), PadMode::Constant),
                true,
            ),
            (
                explicit(5, Window::new(1, 2), (1, 0), PadMode::Constant),
                false,
            ),
            (
                window(10, Window::new(4, 4), Convention::Cover, PadMode::Constant),
                false,
            ),
            (AxisPlan::batch(3), true),
            (AxisPlan::whole(3), true),
        ];
        for (a, want) in cases {
            assert_eq!(a.reads_each_once(), want, "{a:?}");
        }
        // A huge axis needs no memory.
        let huge = window(
            1 << 40,
            Window::tile(1 << 20),
            Convention::Valid,
            PadMode::Constant,
        );
        assert!(huge.reads_each_once());
    }

    #[test]
    fn read_bounds_follow_the_remapping() {
        let w = Window::new(2, 10);
        // Reflect reads x[3] and x[2] for the positions -3 and -2.
        assert_eq!(
            explicit(5, w, (3, 0), PadMode::Reflect).read_bounds(PadMode::Reflect),
            Some((2, 3))
        );
        // Constant padding reads nothing there.
        assert_eq!(
            explicit(5, w, (3, 0), PadMode::Constant).read_bounds(PadMode::Constant),
            None
        );
        // Dilation gaps: positions -1, 2, 5 of an axis of 7, edge mode.
        let d = explicit(7, Window::new(3, 9).dilated(3), (1, 0), PadMode::Edge);
        assert_eq!(d.read_bounds(PadMode::Edge), Some((0, 5)));
        assert_eq!(d.read_bounds(PadMode::Constant), Some((2, 5)));
        let v = window(10, Window::new(3, 4), Convention::Valid, PadMode::Constant);
        assert_eq!(v.read_bounds(PadMode::Constant), Some((0, 6)));
        assert_eq!(AxisPlan::batch(0).read_bounds(PadMode::Constant), None);
        assert_eq!(
            AxisPlan::whole(4).read_bounds(PadMode::Constant),
            Some((0, 3))
        );
    }
}
