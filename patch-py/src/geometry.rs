//! The numpy-style geometry arguments (`window_shape`, `axis`, `step`,
//! `dilation`, `whole`, `padding`, `mode`) into a patch-core
//! [`PatchSpec`] and [`Padding`].

use patch_core::{AxisRole, ErrorKind, PadMode, Padding, PatchSpec, Window};
use pyo3::prelude::*;

use crate::args;
use crate::error::{Result, error, invalid};

/// A spec and a padding: what `Plan::new` needs besides the layout.
#[derive(Clone, Debug)]
pub(crate) struct Geometry {
    pub(crate) spec: PatchSpec,
    pub(crate) padding: Padding,
    pub(crate) mode: PadMode,
}

/// The arguments every geometry takes, as Python passed them.
pub(crate) struct GeometryArgs<'a, 'py> {
    pub(crate) window_shape: &'a Bound<'py, PyAny>,
    pub(crate) axis: Option<&'a Bound<'py, PyAny>>,
    pub(crate) step: Option<&'a Bound<'py, PyAny>>,
    pub(crate) dilation: Option<&'a Bound<'py, PyAny>>,
    pub(crate) whole: Option<&'a Bound<'py, PyAny>>,
    pub(crate) padding: Option<&'a Bound<'py, PyAny>>,
    pub(crate) mode: Option<&'a Bound<'py, PyAny>>,
}

impl GeometryArgs<'_, '_> {
    /// The geometry over an array of `ndim` axes.
    ///
    /// Window axes are `axis` (numpy's `sliding_window_view` rule, checked
    /// by patch-core: in range, negative from the end, strictly
    /// increasing), or every axis that is not `whole` when `axis` is
    /// `None`. `whole` axes go inside every patch; the others are batch
    /// axes. `step` and `dilation` are an int or one per window axis.
    pub(crate) fn resolve(&self, ndim: usize) -> Result<Geometry> {
        let window = args::sizes(self.window_shape, "window_shape")?;
        let n = window.len();
        let one = |o: Option<&Bound<'_, PyAny>>, what| match o.filter(|o| !o.is_none()) {
            Some(o) => args::per_window(o, what, n),
            None => Ok(vec![1; n]),
        };
        let step = one(self.step, "step")?;
        let dilation = one(self.dilation, "dilation")?;
        let whole = match self.whole.filter(|o| !o.is_none()) {
            Some(w) => {
                let mut out = Vec::new();
                for a in args::axes(w, "whole")? {
                    let r = args::resolve_axis(a, ndim)?;
                    if out.contains(&r) {
                        return Err(invalid(format!("whole names axis {r} twice")));
                    }
                    out.push(r);
                }
                out
            }
            None => Vec::new(),
        };
        let axes = match self.axis.filter(|o| !o.is_none()) {
            Some(a) => Some(args::axes(a, "axis")?),
            None if whole.is_empty() => None,
            None => Some(
                (0..ndim)
                    .filter(|i| !whole.contains(i))
                    .map(|i| i as isize)
                    .collect(),
            ),
        };
        // patch-core's numpy rule places the windows (and checks `axis`).
        let placed = PatchSpec::sliding_window_view(ndim, &window, axes.as_deref())?;
        let mut k = 0;
        let mut roles: Vec<AxisRole> = placed
            .roles()
            .iter()
            .map(|r| match r {
                AxisRole::Window(w) => {
                    let role = AxisRole::Window(Window {
                        size: w.size,
                        step: step[k],
                        dilation: dilation[k],
                    });
                    k += 1;
                    role
                }
                other => *other,
            })
            .collect();
        for &a in &whole {
            if matches!(roles[a], AxisRole::Window(_)) {
                return Err(invalid(format!(
                    "axis {a} is both a window axis and a whole axis"
                )));
            }
            roles[a] = AxisRole::Whole;
        }
        let mode = match self.mode.filter(|o| !o.is_none()) {
            Some(m) => args::mode(m)?,
            None => PadMode::Constant,
        };
        let padding = match self.padding.filter(|o| !o.is_none()) {
            Some(p) => args::padding(p, mode, n)?,
            None => Padding::valid(),
        };
        Ok(Geometry {
            spec: PatchSpec::new(roles),
            padding,
            mode,
        })
    }
}

/// Image tiles: `tile` windows with step = size over the last axes, the
/// channel axis (`"last"`, `"first"` or none) whole, leading axes batch.
pub(crate) fn tiles(ndim: usize, tile: &[usize], channels: Option<&str>) -> Result<Geometry> {
    let k = tile.len();
    let with_channel = usize::from(channels.is_some());
    let Some(batch) = ndim.checked_sub(k + with_channel) else {
        return Err(error(
            ErrorKind::RankMismatch,
            format!(
                "tiles of {k} axes{} need an array of at least {} axes, got {ndim}",
                channels.map_or(String::new(), |c| format!(" with channels='{c}'")),
                k + with_channel
            ),
        ));
    };
    let mut roles = vec![AxisRole::Batch; batch];
    let windows = tile.iter().map(|&p| AxisRole::Window(Window::tile(p)));
    match channels {
        Some("last") => {
            roles.extend(windows);
            roles.push(AxisRole::Whole);
        }
        Some("first") => {
            roles.push(AxisRole::Whole);
            roles.extend(windows);
        }
        None => roles.extend(windows),
        Some(c) => {
            return Err(invalid(format!(
                "channels '{c}' is not 'last' (HWC), 'first' (CHW) or None"
            )));
        }
    }
    Ok(Geometry {
        spec: PatchSpec::new(roles),
        padding: Padding::valid(),
        mode: PadMode::Constant,
    })
}
