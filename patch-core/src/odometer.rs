//! The one odometer of the crate: the indices of a box of ranges in C
//! order (the last axis fastest), with linear offsets carried along
//! incrementally. The strided kernel, the row walker, the interior box and
//! the element iterators of the array types all walk their axes with it.
//!
//! It never allocates: its axes live in a fixed [`Axes`] list. That is
//! enough because only axes longer than 1 are ever given to it, and the
//! lengths of those multiply to at most `usize::MAX` elements, so there are
//! at most `usize::BITS` of them.

use std::ops::{Deref, DerefMut, Range};

use crate::error::{PatchError, err};

/// Capacity of an [`Axes`] list: the most axes longer than 1 an array whose
/// element count fits `usize` can have.
pub(crate) const MAX_AXES: usize = usize::BITS as usize;

/// The error of more than [`MAX_AXES`] axes longer than 1, which no array
/// whose element count fits `usize` has.
pub(crate) fn too_many_axes() -> PatchError {
    err!(
        Overflow,
        "more than {MAX_AXES} axes longer than 1 overflow the element count"
    )
}

/// A list of at most [`MAX_AXES`] items kept inline, so that walking an
/// array allocates nothing.
#[derive(Clone, Debug)]
pub(crate) struct Axes<T> {
    n: usize,
    items: [T; MAX_AXES],
}

impl<T: Default> Axes<T> {
    /// An empty list.
    pub(crate) fn new() -> Self {
        Axes {
            n: 0,
            items: std::array::from_fn(|_| T::default()),
        }
    }

    /// Appends `v`, or returns `false` (appending nothing) when the list is
    /// full.
    #[must_use]
    pub(crate) fn push(&mut self, v: T) -> bool {
        match self.items.get_mut(self.n) {
            Some(slot) => {
                *slot = v;
                self.n += 1;
                true
            }
            None => false,
        }
    }

    /// The list of `items`, or `None` when there are more than [`MAX_AXES`].
    pub(crate) fn try_from_iter(items: impl IntoIterator<Item = T>) -> Option<Self> {
        let mut list = Axes::new();
        for v in items {
            if !list.push(v) {
                return None;
            }
        }
        Some(list)
    }
}

impl<T> Deref for Axes<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        &self.items[..self.n]
    }
}

impl<T> DerefMut for Axes<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items[..self.n]
    }
}

/// Moves `idx`, an index of the box `ranges`, to the next index in C order
/// and returns the axis that advanced (every later axis went back to its
/// start), or `None` after the last index: the one odometer step of the
/// crate.
#[inline(always)]
fn advance(idx: &mut [usize], ranges: &[Range<usize>]) -> Option<usize> {
    let ranges = &ranges[..idx.len()];
    let mut m = idx.len();
    while m > 0 {
        m -= 1;
        idx[m] += 1;
        if idx[m] < ranges[m].end {
            return Some(m);
        }
        idx[m] = ranges[m].start;
    }
    None
}

/// The indices of a box `ranges[0] x ranges[1] x ...` in C order.
#[derive(Clone, Debug)]
pub(crate) struct Odometer<'r> {
    ranges: &'r [Range<usize>],
    idx: Axes<usize>,
}

impl<'r> Odometer<'r> {
    /// The odometer at the first index of the box, or `None` when some
    /// range is empty (the box has no index) or there are more than
    /// [`MAX_AXES`] ranges. A box of no axes has one index, the empty one.
    pub(crate) fn new(ranges: &'r [Range<usize>]) -> Option<Self> {
        if ranges.iter().any(|r| r.is_empty()) {
            return None;
        }
        Some(Odometer {
            ranges,
            idx: Axes::try_from_iter(ranges.iter().map(|r| r.start))?,
        })
    }

    /// The current index.
    #[inline]
    pub(crate) fn index(&self) -> &[usize] {
        &self.idx
    }

    /// Moves to the next index in C order and returns the axis that
    /// advanced (every later axis went back to its start), or `None` after
    /// the last index.
    #[inline(always)]
    pub(crate) fn advance(&mut self) -> Option<usize> {
        advance(&mut self.idx, self.ranges)
    }
}

/// How a linear offset `sum(idx[m] * strides[m])` changes at each step of
/// an [`Odometer`] over `ranges`: when axis `m` advances, it gains
/// `strides[m]` and every later axis gives back what it gained since its
/// start.
#[derive(Clone, Debug)]
pub(crate) struct Carry {
    delta: Axes<isize>,
}

impl Carry {
    /// The carries of a box of (non-empty) `ranges`, one stride per axis
    /// (missing strides are 0). Wrapping arithmetic: the offsets it moves
    /// between are in range, the carries themselves need not be.
    pub(crate) fn new(ranges: &[Range<usize>], strides: impl IntoIterator<Item = isize>) -> Self {
        let mut carry = Carry { delta: Axes::new() };
        carry.set(ranges, strides);
        carry
    }

    /// Makes these the carries of `ranges` and `strides` (see [`Carry::new`]).
    #[inline(always)]
    fn set(&mut self, ranges: &[Range<usize>], strides: impl IntoIterator<Item = isize>) {
        let delta = &mut self.delta;
        delta.n = 0;
        let mut strides = strides.into_iter();
        for _ in ranges {
            // At most MAX_AXES ranges: an odometer over them exists.
            let _ = delta.push(strides.next().unwrap_or(0));
        }
        let mut back = 0isize;
        for (d, r) in delta.iter_mut().zip(ranges).rev() {
            let s = *d;
            *d = s.wrapping_sub(back);
            back = back.wrapping_add(s.wrapping_mul((r.end - 1 - r.start) as isize));
        }
    }

    /// The change of the offset when axis `m` advances.
    #[inline(always)]
    pub(crate) fn get(&self, m: usize) -> isize {
        self.delta[m]
    }
}

/// Calls `f(a, b)` for every index of the box `ranges` (at most
/// [`MAX_AXES`]) in C order, with two linear offsets: `a` starts at `a0`
/// and moves by `sa[m]` per index of axis `m`, `b` likewise from `b0` by
/// `sb[m]`. (The odometer's state is built in place: this runs once per
/// copy, so even the moves of a few hundred bytes show on small copies.)
#[inline(always)]
pub(crate) fn walk_box(
    ranges: &[Range<usize>],
    sa: &[isize],
    sb: &[isize],
    (a0, b0): (isize, isize),
    mut f: impl FnMut(isize, isize),
) {
    if ranges.len() > MAX_AXES || ranges.iter().any(|r| r.is_empty()) {
        return;
    }
    let mut idx = Axes::<usize>::new();
    for r in ranges {
        let _ = idx.push(r.start);
    }
    let (mut ca, mut cb) = (Carry { delta: Axes::new() }, Carry { delta: Axes::new() });
    ca.set(ranges, sa.iter().copied());
    cb.set(ranges, sb.iter().copied());
    let (mut a, mut b) = (a0, b0);
    loop {
        f(a, b);
        match advance(&mut idx, ranges) {
            Some(m) => {
                a = a.wrapping_add(ca.get(m));
                b = b.wrapping_add(cb.get(m));
            }
            None => return,
        }
    }
}

/// The buffer offsets of a strided array's elements in C order: what the
/// element iterators of the array types walk.
#[derive(Clone, Debug)]
pub(crate) struct Offsets {
    ranges: Axes<Range<usize>>,
    idx: Axes<usize>,
    carry: Carry,
    at: isize,
    left: usize,
}

impl Offsets {
    /// The offsets of `shape` with element `strides` from `offset`. The
    /// element count must fit `usize` (the array types check it when they
    /// are made); axes of length 1 add nothing and are skipped.
    pub(crate) fn new(shape: &[usize], strides: &[isize], offset: usize) -> Self {
        let live = || shape.iter().zip(strides).filter(|(n, _)| **n != 1);
        let left = shape.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n));
        let ranges = Axes::try_from_iter(live().map(|(&n, _)| 0..n));
        match (ranges, left) {
            (Some(ranges), Some(left)) => Offsets {
                idx: Axes::try_from_iter(ranges.iter().map(|_| 0)).unwrap_or_else(Axes::new),
                carry: Carry::new(
                    if left == 0 { &[] } else { &ranges },
                    live().map(|(_, &s)| s),
                ),
                ranges,
                at: offset as isize,
                left,
            },
            // More than MAX_AXES axes longer than 1 means an element count
            // past usize, which no array type holds.
            _ => Offsets {
                ranges: Axes::new(),
                idx: Axes::new(),
                carry: Carry::new(&[], []),
                at: 0,
                left: 0,
            },
        }
    }
}

impl Iterator for Offsets {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let here = self.at as usize;
        if let Some(m) = advance(&mut self.idx, &self.ranges) {
            self.at = self.at.wrapping_add(self.carry.get(m));
        }
        Some(here)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Offsets {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_odometer_visits_a_box_in_c_order_and_says_which_axis_moved() {
        let mut odo = Odometer::new(&[1..3, 0..2]).unwrap();
        let mut seen = vec![odo.index().to_vec()];
        let mut moved = Vec::new();
        while let Some(m) = odo.advance() {
            seen.push(odo.index().to_vec());
            moved.push(m);
        }
        assert_eq!(seen, [[1, 0], [1, 1], [2, 0], [2, 1]]);
        assert_eq!(moved, [1, 0, 1]);
        // An empty range: no index; no axes: the one empty index.
        assert!(Odometer::new(&[0..2, 3..3]).is_none());
        let mut odo = Odometer::new(&[]).unwrap();
        assert_eq!(odo.index(), &[] as &[usize]);
        assert_eq!(odo.advance(), None);
    }

    #[test]
    fn carries_keep_a_linear_offset_in_step() {
        // Offsets 10*i + 3*j over i in 1..3, j in 2..5, from 10*1 + 3*2.
        let ranges = [1..3, 2..5];
        let mut got = Vec::new();
        walk_box(&ranges, &[10, 3], &[-1, 0], (16, 0), |a, b| {
            got.push((a, b))
        });
        let want: Vec<(isize, isize)> = (1..3)
            .flat_map(|i| (2..5).map(move |j| (10 * i + 3 * j, -(i - 1))))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn offsets_walk_c_order_through_any_strides_and_skip_length_one_axes() {
        // A 2x3 array stored transposed and flipped along its rows.
        let offsets: Vec<usize> = Offsets::new(&[2, 3], &[-1, 2], 1).collect();
        assert_eq!(offsets, [1, 3, 5, 0, 2, 4]);
        assert_eq!(Offsets::new(&[2, 1, 3], &[-1, 99, 2], 1).len(), 6);
        assert_eq!(
            Offsets::new(&[2, 1, 3], &[-1, 99, 2], 1).collect::<Vec<_>>(),
            offsets
        );
        // Rank 0 has one element; an empty axis none.
        assert_eq!(Offsets::new(&[], &[], 4).collect::<Vec<_>>(), [4]);
        assert_eq!(Offsets::new(&[3, 0], &[1, 1], 0).count(), 0);
        // 65 axes of length 2 overflow usize: no array holds them.
        assert_eq!(Offsets::new(&[2; 65], &[0; 65], 0).count(), 0);
    }

    #[test]
    fn axes_lists_hold_at_most_max_axes_items() {
        let mut list = Axes::<u8>::new();
        for _ in 0..MAX_AXES {
            assert!(list.push(1));
        }
        assert!(!list.push(1));
        assert_eq!(list.len(), MAX_AXES);
        assert!(Axes::try_from_iter(0..MAX_AXES + 1).is_none());
        assert_eq!(&*Axes::try_from_iter(0..3usize).unwrap(), &[0, 1, 2]);
    }
}
