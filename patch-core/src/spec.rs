//! What to cut: one role per input axis.

use crate::alloc::{try_collect, try_to_vec, try_with_capacity};
use crate::error::{Result, Short, bail, err};

/// How a window axis is cut: `size` samples, `dilation` apart, the window
/// moving by `step` (all at least 1).
///
/// The window spans `extent = dilation*(size-1)+1` elements of its axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Window {
    /// Samples per window.
    pub size: usize,
    /// Distance between the starts of consecutive windows.
    pub step: usize,
    /// Distance between consecutive samples inside a window.
    pub dilation: usize,
}

impl Window {
    /// A window of `size` samples moving by `step`, no dilation.
    pub fn new(size: usize, step: usize) -> Self {
        Window {
            size,
            step,
            dilation: 1,
        }
    }

    /// Non-overlapping tiles: `step == size`.
    pub fn tile(size: usize) -> Self {
        Window::new(size, size)
    }

    /// The same window with a dilation.
    pub fn dilated(self, dilation: usize) -> Self {
        Window { dilation, ..self }
    }

    /// Elements of the axis one window spans: `dilation*(size-1)+1`,
    /// or `None` on overflow or zero size.
    pub fn extent(&self) -> Option<usize> {
        self.size
            .checked_sub(1)?
            .checked_mul(self.dilation)?
            .checked_add(1)
    }

    /// The checks every window passes, wherever it enters (the spec
    /// constructors and [`Plan`](crate::Plan)): size, step and dilation at
    /// least 1 and an extent that fits `isize`. Returns the extent; `axis`
    /// is for the messages.
    pub(crate) fn checked_extent(&self, axis: usize) -> Result<usize> {
        if self.size == 0 {
            bail!(
                ZeroSize,
                "window size of axis {axis} is 0; it must be at least 1"
            );
        }
        if self.step == 0 {
            bail!(ZeroStep, "step of axis {axis} is 0; it must be at least 1");
        }
        if self.dilation == 0 {
            bail!(
                ZeroDilation,
                "dilation of axis {axis} is 0; it must be at least 1"
            );
        }
        self.extent()
            .filter(|&e| e <= isize::MAX as usize)
            .ok_or_else(|| {
                err!(
                    Overflow,
                    "window {} with dilation {} on axis {axis} overflows",
                    self.size,
                    self.dilation
                )
            })
    }
}

/// The role of one input axis.
///
/// The patch view has the *outer* axes first (each `Batch` axis, then each
/// `Window` axis's grid count, in input order) and then the *inner* axes
/// (each `Window` axis's size and each `Whole` axis's length, in input order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase", tag = "role"))]
pub enum AxisRole {
    /// The axis is cut into windows (H and W of an image, T of audio).
    Window(Window),
    /// The whole axis goes inside every patch (C of an HWC image for ViT).
    Whole,
    /// The axis stays outside the patches, one entry per index (a batch).
    Batch,
}

impl AxisRole {
    /// A window role; shorthand for `AxisRole::Window(Window { size, step, dilation })`.
    pub fn window(size: usize, step: usize, dilation: usize) -> Self {
        AxisRole::Window(Window {
            size,
            step,
            dilation,
        })
    }
}

/// One [`AxisRole`] per input axis: what a patch is.
///
/// ```
/// use patch_core::{AxisRole, PatchSpec, Window};
///
/// // ViT on an HWC image: 16x16 tiles, all channels in every patch.
/// let vit = PatchSpec::tiles(&[16, 16]).channels_last();
/// assert_eq!(
///     vit.roles(),
///     &[AxisRole::Window(Window::tile(16)), AxisRole::Window(Window::tile(16)), AxisRole::Whole]
/// );
/// // 3x3 convolution windows over a batch of CHW images.
/// let conv = PatchSpec::sliding(&[3, 3], &[1, 1]).unwrap().channels_first().batched();
/// assert_eq!(conv.roles().len(), 4);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PatchSpec {
    roles: Vec<AxisRole>,
}

impl PatchSpec {
    /// A spec from one role per input axis.
    pub fn new(roles: Vec<AxisRole>) -> Self {
        PatchSpec { roles }
    }

    /// Non-overlapping tiles (step = size) on every axis: ViT patches.
    pub fn tiles(tile: &[usize]) -> Self {
        PatchSpec::new(
            tile.iter()
                .map(|&p| AxisRole::Window(Window::tile(p)))
                .collect(),
        )
    }

    /// Sliding windows on every axis with a step per axis, no dilation
    /// (convolution and pooling windows); both lists need one entry per axis.
    ///
    /// Zero sizes and steps are refused here, with the kinds and messages
    /// [`Plan`](crate::Plan) would give.
    ///
    /// ```
    /// use patch_core::{ErrorKind, PatchSpec};
    ///
    /// let conv = PatchSpec::sliding(&[3, 3], &[1, 1]).unwrap();
    /// assert_eq!(conv.ndim(), 2);
    /// let e = PatchSpec::sliding(&[3, 3], &[1, 0]).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::ZeroStep);
    /// assert_eq!(e.to_string(), "zero step: step of axis 1 is 0; it must be at least 1");
    /// ```
    pub fn sliding(window: &[usize], step: &[usize]) -> Result<Self> {
        if window.len() != step.len() {
            bail!(
                RankMismatch,
                "window has {} entries but step has {}; each needs one per axis",
                window.len(),
                step.len()
            );
        }
        PatchSpec::checked_windows(
            window.len(),
            window
                .iter()
                .zip(step)
                .map(|(&size, &step)| Window::new(size, step)),
        )
    }

    /// Sliding windows on every axis with a step and a dilation per axis
    /// (dilated convolution); the three lists need one entry per axis.
    ///
    /// Zero sizes, steps and dilations are refused here, with the kinds and
    /// messages [`Plan`](crate::Plan) would give.
    ///
    /// ```
    /// use patch_core::{AxisRole, PatchSpec};
    ///
    /// let spec = PatchSpec::dilated(&[3], &[1], &[2]).unwrap();
    /// assert_eq!(spec.roles(), &[AxisRole::window(3, 1, 2)]);
    /// assert!(PatchSpec::dilated(&[3], &[1], &[0]).is_err());
    /// ```
    pub fn dilated(window: &[usize], step: &[usize], dilation: &[usize]) -> Result<Self> {
        if window.len() != step.len() || window.len() != dilation.len() {
            bail!(
                RankMismatch,
                "window has {} entries, step {} and dilation {}; each needs one per axis",
                window.len(),
                step.len(),
                dilation.len()
            );
        }
        PatchSpec::checked_windows(
            window.len(),
            window
                .iter()
                .zip(step)
                .zip(dilation)
                .map(|((&size, &step), &dilation)| Window::new(size, step).dilated(dilation)),
        )
    }

    /// A spec of `n` windows, one per axis, each checked as the plan checks it.
    fn checked_windows(n: usize, windows: impl Iterator<Item = Window>) -> Result<Self> {
        let mut roles = try_with_capacity(n)?;
        for (axis, w) in windows.enumerate() {
            w.checked_extent(axis)?;
            roles.push(AxisRole::Window(w));
        }
        Ok(PatchSpec::new(roles))
    }

    /// A copy, or an [`Allocation`](crate::ErrorKind::Allocation) error.
    pub(crate) fn try_clone(&self) -> Result<Self> {
        Ok(PatchSpec::new(try_to_vec(&self.roles)?))
    }

    /// 1-D frames of `frame_len` samples every `hop` samples (audio framing).
    pub fn frames(frame_len: usize, hop: usize) -> Self {
        PatchSpec::new(vec![AxisRole::window(frame_len, hop, 1)])
    }

    /// numpy's `sliding_window_view(x, window_shape, axis)` for an array of
    /// `ndim` axes: step 1, every axis not in `axes` is `Batch`.
    ///
    /// `axes = None` means every axis (then `window_shape.len() == ndim`).
    /// Unlike numpy, an axis may appear only once and `axes` must be
    /// increasing, so that the window axes of the view come in input order;
    /// negative axes count from the end as in numpy.
    pub fn sliding_window_view(
        ndim: usize,
        window_shape: &[usize],
        axes: Option<&[isize]>,
    ) -> Result<Self> {
        let axes: Vec<usize> = match axes {
            None => {
                if window_shape.len() != ndim {
                    bail!(
                        RankMismatch,
                        "window_shape has {} entries but the array has {ndim} axes (pass axes to window some of them)",
                        window_shape.len()
                    );
                }
                try_collect(0..ndim)?
            }
            Some(axes) => {
                if axes.len() != window_shape.len() {
                    bail!(
                        RankMismatch,
                        "window_shape has {} entries but axes has {}",
                        window_shape.len(),
                        axes.len()
                    );
                }
                let mut out = try_with_capacity(axes.len())?;
                for &a in axes {
                    let n = ndim as isize;
                    let resolved = if a < 0 { a + n } else { a };
                    if resolved < 0 || resolved >= n {
                        bail!(
                            OutOfBounds,
                            "axis {a} is out of range for an array of {ndim} axes"
                        );
                    }
                    let resolved = resolved as usize;
                    if out.last().is_some_and(|&prev| prev >= resolved) {
                        bail!(
                            InvalidArgument,
                            "axes {} must be strictly increasing after resolving negative axes (one window per axis, in input order)",
                            Short(axes)
                        );
                    }
                    out.push(resolved);
                }
                out
            }
        };
        let mut roles = try_collect((0..ndim).map(|_| AxisRole::Batch))?;
        for (&a, &w) in axes.iter().zip(window_shape) {
            roles[a] = AxisRole::window(w, 1, 1);
        }
        Ok(PatchSpec::new(roles))
    }

    /// Appends a `Whole` axis: channels last (HWC images).
    pub fn channels_last(mut self) -> Self {
        self.roles.push(AxisRole::Whole);
        self
    }

    /// Prepends a `Whole` axis: channels first (CHW images).
    pub fn channels_first(mut self) -> Self {
        self.roles.insert(0, AxisRole::Whole);
        self
    }

    /// Prepends a `Batch` axis (NHWC / NCHW batches).
    pub fn batched(mut self) -> Self {
        self.roles.insert(0, AxisRole::Batch);
        self
    }

    /// The roles, one per input axis.
    pub fn roles(&self) -> &[AxisRole] {
        &self.roles
    }

    /// Number of axes the spec describes.
    pub fn ndim(&self) -> usize {
        self.roles.len()
    }
}
