//! The order of a copy of the patches, and the axes of the patch array in
//! that order: the one place that says which output axis comes from which
//! part of which input axis.

use crate::plan::{AxisPlan, Part};

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

/// One axis of the patch array: the `part` of input axis `input`, `len`
/// indices long.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OutAxis {
    pub(crate) input: usize,
    pub(crate) part: Part,
    pub(crate) len: usize,
}

/// The axes of one part, in input order.
fn parts(axes: &[AxisPlan], part: Part) -> impl Iterator<Item = OutAxis> + Clone + '_ {
    axes.iter()
        .enumerate()
        .filter(move |(_, a)| a.has_part(part))
        .map(move |(input, a)| OutAxis {
            input,
            part,
            len: a.part_len(part),
        })
}

/// The axes of the patch array in `order`: the outer axes (the grid of
/// every batch and window axis, in input order) and the inner axes (the
/// window positions of every window and whole axis, in input order), outer
/// first for patch-major order, inner first for feature-major.
pub(crate) fn out_axes(
    axes: &[AxisPlan],
    order: PatchOrder,
) -> impl Iterator<Item = OutAxis> + Clone + '_ {
    let (outer, inner) = (parts(axes, Part::Grid), parts(axes, Part::Inner));
    match order {
        PatchOrder::PatchMajor => outer.chain(inner),
        PatchOrder::FeatureMajor => inner.chain(outer),
    }
}

/// `(len, stride)` of every axis of a patch array stored patch-major as
/// `shape`/`strides` (`n_outer` outer axes first), in `order`.
pub(crate) fn ordered<'a>(
    shape: &'a [usize],
    strides: &'a [isize],
    n_outer: usize,
    order: PatchOrder,
) -> impl Iterator<Item = (usize, isize)> + Clone + 'a {
    let outer = shape[..n_outer].iter().zip(&strides[..n_outer]);
    let inner = shape[n_outer..].iter().zip(&strides[n_outer..]);
    match order {
        PatchOrder::PatchMajor => outer.chain(inner),
        PatchOrder::FeatureMajor => inner.chain(outer),
    }
    .map(|(&n, &s)| (n, s))
}
