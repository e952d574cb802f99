//! Padding: how windows may reach past the borders of an axis, and what they
//! read there. Padding is an index remapping applied while copying; no padded
//! copy of the input is ever made.

/// What a window reads outside its axis.
///
/// For an axis of length `d` and a coordinate `c` outside `[0, d)`, with
/// numpy's `np.pad` names (`x = [1 2 3]`, padding 3 each side):
///
/// | mode | reads | `x` padded |
/// |---|---|---|
/// | `Constant` | the fill value `v` of the copy | `v v v 1 2 3 v v v` |
/// | `Reflect` | mirror without repeating the edge (period `2(d-1)`) | `2 3 2 1 2 3 2 1 2` |
/// | `Symmetric` | mirror repeating the edge (period `2d`) | `3 2 1 1 2 3 3 2 1` |
/// | `Edge` | the nearest edge element | `1 1 1 1 2 3 3 3 3` |
/// | `Wrap` | periodic (period `d`) | `1 2 3 1 2 3 1 2 3` |
///
/// Padding wider than the axis keeps repeating the pattern, as numpy does.
///
/// The constant is not part of the mode: it is given to each copy in the
/// destination's element type ([`ExtractOptions::fill`](crate::ExtractOptions::fill),
/// the `fill` of [`frame`](crate::frame)), so that every value of every
/// type (an `i64` past 2^53, a NaN for floats only) is exact, and one plan
/// serves copies with different fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum PadMode {
    /// The fill value of the copy (zero by default).
    Constant,
    /// numpy `reflect` / torch `reflect`.
    Reflect,
    /// numpy `symmetric`.
    Symmetric,
    /// numpy `edge` / torch `replicate`.
    Edge,
    /// numpy `wrap` / torch `circular`.
    Wrap,
}

impl PadMode {
    /// The numpy name of the mode.
    pub fn name(&self) -> &'static str {
        match self {
            PadMode::Constant => "constant",
            PadMode::Reflect => "reflect",
            PadMode::Symmetric => "symmetric",
            PadMode::Edge => "edge",
            PadMode::Wrap => "wrap",
        }
    }
}

/// Where windows are placed along each window axis.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "lowercase", tag = "convention", content = "pads")
)]
pub enum Convention {
    /// No padding; windows that do not fit are dropped (numpy, torch's default).
    Valid,
    /// TensorFlow's `SAME`: `ceil(d / step)` windows, the total padding
    /// `max((g-1)*step + extent - d, 0)` split with the smaller half first.
    Same,
    /// Explicit `(lo, hi)` padding per window axis, in input order.
    Explicit(Vec<(usize, usize)>),
    /// No padding; when the windows do not end at the border, one more
    /// window is added, shifted back to end exactly at the border, so every
    /// element is covered (sliding-window inference).
    Cover,
}

/// A convention and a mode: how the plan places windows and what they read
/// outside the input.
///
/// ```
/// use patch_core::{Convention, PadMode, Padding};
///
/// let same_zeros = Padding::same(PadMode::Constant);
/// let reflect_1 = Padding::explicit(&[(1, 1), (1, 1)], PadMode::Reflect);
/// assert_eq!(Padding::default().convention, Convention::Valid);
/// # let _ = (same_zeros, reflect_1);
/// ```
///
/// With the `serde` feature it is the flat object
/// `{"convention": "explicit", "pads": [[1, 1]], "mode": "reflect"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Padding {
    /// Where the windows go.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub convention: Convention,
    /// What they read outside the input.
    pub mode: PadMode,
}

impl Default for Padding {
    fn default() -> Self {
        Padding::valid()
    }
}

impl Padding {
    /// No padding. The mode is never read (windows stay inside the
    /// input); it is `Constant`.
    pub fn valid() -> Self {
        Padding {
            convention: Convention::Valid,
            mode: PadMode::Constant,
        }
    }

    /// TensorFlow `SAME` padding with `mode`.
    pub fn same(mode: PadMode) -> Self {
        Padding {
            convention: Convention::Same,
            mode,
        }
    }

    /// Explicit `(lo, hi)` per window axis, in input order, with `mode`.
    pub fn explicit(pads: &[(usize, usize)], mode: PadMode) -> Self {
        Padding {
            convention: Convention::Explicit(pads.to_vec()),
            mode,
        }
    }

    /// A copy, or an [`Allocation`](crate::ErrorKind::Allocation) error.
    pub(crate) fn try_clone(&self) -> crate::Result<Self> {
        let convention = match &self.convention {
            Convention::Explicit(pads) => Convention::Explicit(crate::alloc::try_to_vec(pads)?),
            Convention::Valid => Convention::Valid,
            Convention::Same => Convention::Same,
            Convention::Cover => Convention::Cover,
        };
        Ok(Padding {
            convention,
            mode: self.mode,
        })
    }

    /// Cover the whole input by shifting the last window back to the border.
    ///
    /// It takes no mode because, like [`valid`](Padding::valid), it never
    /// reads outside the input: the shifted window lies inside it. (The
    /// stored mode is `Constant` and is never read.)
    pub fn cover() -> Self {
        Padding {
            convention: Convention::Cover,
            mode: PadMode::Constant,
        }
    }
}

/// Maps coordinate `c` of an axis of length `d > 0` to the element it reads,
/// or `None` for the constant. `c` inside `[0, d)` maps to itself.
#[inline]
pub(crate) fn remap(c: isize, d: usize, mode: PadMode) -> Option<usize> {
    let d_i = d as isize;
    if (0..d_i).contains(&c) {
        return Some(c as usize);
    }
    if mode == PadMode::Constant {
        return None;
    }
    if d > WIDE_AXIS {
        // The periods below would overflow isize.
        return Some(remap_wide(c, d, mode));
    }
    Some(match mode {
        PadMode::Constant => return None,
        PadMode::Edge => c.clamp(0, d_i - 1) as usize,
        PadMode::Wrap => c.rem_euclid(d_i) as usize,
        PadMode::Reflect => {
            if d == 1 {
                0
            } else {
                let period = 2 * (d_i - 1);
                let m = c.rem_euclid(period);
                (if m >= d_i { period - m } else { m }) as usize
            }
        }
        PadMode::Symmetric => {
            let period = 2 * d_i;
            let m = c.rem_euclid(period);
            (if m >= d_i { period - 1 - m } else { m }) as usize
        }
    })
}

/// The longest axis whose reflect and symmetric periods (`2 * (d - 1)`,
/// `2 * d`) fit isize.
const WIDE_AXIS: usize = (isize::MAX / 2) as usize;

/// [`remap`] of a periodic or edge mode on an axis longer than
/// [`WIDE_AXIS`] (a stride-0 axis may be that long), in i128.
#[cold]
fn remap_wide(c: isize, d: usize, mode: PadMode) -> usize {
    let (c, d) = (c as i128, d as i128);
    let r = match mode {
        PadMode::Constant | PadMode::Edge => c.clamp(0, d - 1),
        PadMode::Wrap => c.rem_euclid(d),
        PadMode::Reflect => {
            let period = 2 * (d - 1);
            let m = c.rem_euclid(period);
            if m >= d { period - m } else { m }
        }
        PadMode::Symmetric => {
            let period = 2 * d;
            let m = c.rem_euclid(period);
            if m >= d { period - 1 - m } else { m }
        }
    };
    // In [0, d): fits usize.
    r as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_of_huge_axes_does_not_overflow() {
        let d = usize::MAX / 2 + 1;
        assert_eq!(remap(-1, d, PadMode::Reflect), Some(1));
        assert_eq!(remap(-1, d, PadMode::Symmetric), Some(0));
        assert_eq!(remap(-1, d, PadMode::Wrap), Some(d - 1));
        assert_eq!(remap(-5, d, PadMode::Edge), Some(0));
        assert_eq!(remap(-5, d, PadMode::Constant), None);
        assert_eq!(remap(-5, 7, PadMode::Reflect), Some(5));
    }

    fn padded(x: &[i32], lo: isize, hi: isize, mode: PadMode) -> Vec<i32> {
        (-lo..x.len() as isize + hi)
            .map(|c| remap(c, x.len(), mode).map_or(-1, |i| x[i]))
            .collect()
    }

    /// Expected values printed by numpy 2.4: `np.pad([1,2,3], 7, mode)`.
    #[test]
    fn remap_matches_numpy_pad_even_past_one_period() {
        let x = [1, 2, 3];
        assert_eq!(
            padded(&x, 7, 7, PadMode::Reflect),
            [2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2]
        );
        assert_eq!(
            padded(&x, 7, 7, PadMode::Symmetric),
            [1, 1, 2, 3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2, 3, 3]
        );
        assert_eq!(
            padded(&x, 7, 7, PadMode::Wrap),
            [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1]
        );
        assert_eq!(padded(&x, 2, 2, PadMode::Edge), [1, 1, 1, 2, 3, 3, 3]);
        assert_eq!(padded(&x, 1, 1, PadMode::Constant), [-1, 1, 2, 3, -1]);
        // np.pad([5], 3, 'reflect') == [5 5 5 5 5 5 5]
        assert_eq!(padded(&[5], 3, 3, PadMode::Reflect), [5; 7]);
    }
}
