//! Axis merging: the fewest axes that visit the same offsets in the same
//! order, so that the innermost loop of a copy moves the longest
//! contiguous run (`p*C` elements for ViT). The strided kernel merges the
//! axes of a view with it, and the row walker finds its block (the trailing
//! run that is contiguous on both sides) with it.

use crate::alloc::try_with_capacity;
use crate::error::Result;

/// One axis after merging: `len` indices `stride` apart, standing for the
/// input axes from index `first` on (up to the next merged axis).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Merged {
    pub(crate) len: usize,
    pub(crate) stride: isize,
    pub(crate) first: usize,
}

/// Merges axes `(len, stride)` given in C order: length-1 axes are dropped
/// (they add nothing), and an axis joins the one before it when that one's
/// stride is its stride times its length (the pair then visits the offsets
/// of one axis of the product length). The list is allocated (fallibly)
/// for as many axes as are given.
pub(crate) fn merge_axes(
    axes: impl Iterator<Item = (usize, isize)> + Clone,
) -> Result<Vec<Merged>> {
    let mut dims = try_with_capacity::<Merged>(axes.clone().count())?;
    for (i, (len, stride)) in axes.enumerate() {
        if len == 1 {
            continue;
        }
        match dims.last_mut() {
            Some(prev) if prev.stride == stride.wrapping_mul(len as isize) => {
                prev.len *= len;
                prev.stride = stride;
            }
            _ => dims.push(Merged {
                len,
                stride,
                first: i,
            }),
        }
    }
    Ok(dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(axes: &[(usize, isize)]) -> Vec<(usize, isize, usize)> {
        merge_axes(axes.iter().copied())
            .unwrap()
            .iter()
            .map(|m| (m.len, m.stride, m.first))
            .collect()
    }

    #[test]
    fn contiguous_axes_merge_and_length_one_axes_vanish() {
        // A C-contiguous [2, 3, 4] array is one run of 24.
        assert_eq!(merged(&[(2, 12), (3, 4), (4, 1)]), [(24, 1, 0)]);
        // ViT tiles of an HWC image: [gy, gx, py, px, C] with strides
        // [p*W*C, p*C, W*C, C, 1]: px and C merge into one run of p*C.
        let (w, c, p) = (224, 3, 16);
        assert_eq!(
            merged(&[(14, p * w * c), (14, p * c), (16, w * c), (16, c), (3, 1)]),
            [
                (14, p * w * c, 0),
                (14, p * c, 1),
                (16, w * c, 2),
                (48, 1, 3)
            ]
        );
        // Length-1 axes go whatever their stride; a gap stops a merge.
        assert_eq!(
            merged(&[(1, 99), (2, 8), (1, -5), (4, 1)]),
            [(2, 8, 1), (4, 1, 3)]
        );
        // Negative strides merge when they are contiguous with each other.
        assert_eq!(merged(&[(2, -3), (3, -1)]), [(6, -1, 0)]);
        assert!(merged(&[(1, 5)]).is_empty());
    }
}
