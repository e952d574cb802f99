//! The interior box of a padded plan: the patches that read no padding
//! form a box of outer indices (per window axis the range of windows that
//! lie inside the input, all of a batch axis), so in patch-major order
//! their copy is a strided gather at copy speed, and only the patches
//! around the box go through the row walker.

use std::ops::Range;

use crate::layout::offset_of;
use crate::odometer::{Axes, MAX_AXES};
use crate::plan::{Part, Plan};
use crate::strided::Strided;
use crate::walk::Walk;

/// The interior box, over the walk's leading loop axes (the outer axes
/// longer than 1).
pub(crate) struct InteriorBox {
    /// Per box axis: the interior range.
    ranges: Axes<Range<usize>>,
    /// Per box axis: (source stride, output stride) of one index.
    steps: Axes<(isize, usize)>,
    /// Source offset of the box's first patch.
    src: isize,
    /// Output offset of the box's first patch.
    out: usize,
    /// The strided copy of one patch.
    patch: Strided,
}

impl InteriorBox {
    /// The interior box of `plan`, walked by `walk` in patch-major order,
    /// or `None` when no patch is interior (or the walk's loop axes are
    /// not the outer axes, when a patch is a single row).
    pub(crate) fn of(plan: &Plan, walk: &Walk<'_>, itemsize: usize) -> Option<Self> {
        let axes = plan.axes();
        if axes.iter().any(|a| a.interior().is_empty()) {
            return None;
        }
        let n_box = (0..walk.n_loop())
            .take_while(|&m| walk.loop_axis(m).1 == Part::Grid)
            .count();
        let n_outer = plan.outer_shape().iter().filter(|&&n| n > 1).count();
        if n_box == 0 || n_box != n_outer {
            return None;
        }
        let strides = plan.layout().strides();
        let (mut ranges, mut steps) = (Axes::new(), Axes::new());
        let mut out = 0;
        for m in 0..n_box {
            let (input, _, line, out_stride) = walk.loop_axis(m);
            let r = axes[input].interior();
            out += r.start * out_stride;
            let step = line.inc.wrapping_mul(strides[input]);
            let _ = ranges.push(r) && steps.push((step, out_stride));
        }
        // The first patch of the box reads real elements only.
        let origin = axes.iter().map(|a| a.origin(a.interior().start));
        let src = offset_of(strides, plan.layout().offset(), origin)?;
        let patch = Strided::new(walk.dims_from(n_box), 0, itemsize).ok()?;
        (n_box + patch.n_outer() <= MAX_AXES).then_some(InteriorBox {
            ranges,
            steps,
            src,
            out,
            patch,
        })
    }

    /// Copies the interior patches whose first outer index lies in `part`
    /// into `dst`, the output of those indices.
    pub(crate) fn gather<T: Copy>(&self, src: &[T], dst: &mut [T], part: Range<usize>) {
        let r0 = &self.ranges[0];
        let (first, last) = (r0.start.max(part.start), r0.end.min(part.end));
        if first >= last {
            return;
        }
        let mut boxes = Axes::<(usize, isize, usize)>::new();
        for (r, &(s, d)) in self.ranges.iter().zip(self.steps.iter()) {
            let _ = boxes.push((r.len(), s, d));
        }
        boxes[0].0 = last - first;
        let (s0, d0) = self.steps[0];
        let src0 = self
            .src
            .wrapping_add(((first - r0.start) as isize).wrapping_mul(s0));
        let dst0 = self.out - r0.start * d0 + (first - part.start) * d0;
        let (n, _) = self.patch.split();
        self.patch.gather_boxes(src, dst, &boxes, src0, dst0, 0..n);
    }

    /// Calls `f` with loop-axis ranges of the walker that together cover
    /// every border patch whose first outer index lies in `part`: disjoint
    /// products of ranges, outer axes first, every inner loop axis whole.
    pub(crate) fn border(
        &self,
        walk: &Walk<'_>,
        part: Range<usize>,
        mut f: impl FnMut(&[Range<usize>]),
    ) {
        let mut full = walk.loop_ranges();
        full[0] = part.clone();
        // The box, with its first axis clipped to the part.
        let mut inside = self.ranges.clone();
        let s0 = inside[0].start.clamp(part.start, part.end);
        inside[0] = s0..inside[0].end.clamp(s0, part.end);
        for i in 0..inside.len() {
            let below = full[i].start..inside[i].start;
            let above = inside[i].end..full[i].end;
            for piece in [below, above] {
                let mut ranges = full.clone();
                ranges[..i].clone_from_slice(&inside[..i]);
                ranges[i] = piece;
                if ranges.iter().all(|r| !r.is_empty()) {
                    f(&ranges);
                }
            }
        }
    }
}
