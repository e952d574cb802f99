//! The naive index-by-index reference of patch-core, shared by its property
//! tests (`patch-core/tests/reference.rs`, `tests/unframe.rs`) and the fuzz
//! targets (`fuzz/`). Written independently of the engine: its own grid and
//! padding formulas, iterative reflection instead of periodic. Not published.
#![allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]

use patch_core::{AxisRole, Convention, ErrorKind, Layout, PadMode, Padding, PatchOrder, Reduce};

/// Which samples of a signal of `len` samples `n` frames of `frame_len`
/// samples, `hop` apart, cover.
pub fn covered(len: usize, n: usize, frame_len: usize, hop: usize) -> Vec<bool> {
    let mut hit = vec![false; len];
    for k in 0..n {
        let end = (k * hop + frame_len).min(len);
        hit[(k * hop).min(end)..end].fill(true);
    }
    hit
}

#[derive(Debug, Clone)]
/// One axis of the reference geometry: grid count and window origins.
pub struct RefAxis {
    /// The axis role.
    pub role: AxisRole,
    /// The axis length.
    pub len: usize,
    /// Window origins (unremapped; negative inside the low padding).
    pub origins: Vec<isize>,
}

/// numpy-style iterative padding lookup.
pub fn ref_remap(mut c: isize, d: usize, mode: PadMode) -> Option<usize> {
    let d = d as isize;
    match mode {
        PadMode::Constant => ((0..d).contains(&c)).then_some(c as usize),
        PadMode::Edge => Some(c.clamp(0, d - 1) as usize),
        PadMode::Wrap => Some(c.rem_euclid(d) as usize),
        PadMode::Reflect => {
            if d == 1 {
                return Some(0);
            }
            while !(0..d).contains(&c) {
                if c < 0 {
                    c = -c;
                }
                if c >= d {
                    c = 2 * (d - 1) - c;
                }
            }
            Some(c as usize)
        }
        PadMode::Symmetric => {
            while !(0..d).contains(&c) {
                if c < 0 {
                    c = -c - 1;
                }
                if c >= d {
                    c = 2 * d - 1 - c;
                }
            }
            Some(c as usize)
        }
    }
}

/// The reference geometry, or the error kind the engine must report.
pub fn ref_geometry(
    shape: &[usize],
    roles: &[AxisRole],
    padding: &Padding,
) -> Result<Vec<RefAxis>, ErrorKind> {
    let mut out = Vec::new();
    let mut wi = 0;
    for (&d, &role) in shape.iter().zip(roles) {
        let origins = match role {
            AxisRole::Batch => (0..d as isize).collect(),
            AxisRole::Whole => vec![0],
            AxisRole::Window(w) => {
                let e = (w.size - 1) * w.dilation + 1;
                let (s, d_i, e_i) = (w.step as isize, d as isize, e as isize);
                let o = match &padding.convention {
                    Convention::Valid => {
                        if d < e {
                            return Err(ErrorKind::WindowTooLarge);
                        }
                        (0..)
                            .map(|k| k * s)
                            .take_while(|&o| o + e_i <= d_i)
                            .collect()
                    }
                    Convention::Explicit(p) => {
                        let (lo, hi) = p[wi];
                        if d == 0 && lo + hi > 0 && !matches!(padding.mode, PadMode::Constant) {
                            return Err(ErrorKind::InvalidArgument);
                        }
                        if d + lo + hi < e {
                            return Err(ErrorKind::WindowTooLarge);
                        }
                        (0..)
                            .map(|k| k * s - lo as isize)
                            .take_while(|&o| o + e_i <= d_i + hi as isize)
                            .collect()
                    }
                    Convention::Same => {
                        // TensorFlow: out = ceil(d/s); pad = max((out-1)*s + e - d, 0); lo = pad/2.
                        let g = (d_i + s - 1) / s;
                        let pad = ((g - 1) * s + e_i - d_i).max(0);
                        (0..g).map(|k| k * s - pad / 2).collect()
                    }
                    Convention::Cover => {
                        if d < e {
                            return Err(ErrorKind::WindowTooLarge);
                        }
                        let mut o: Vec<isize> = (0..)
                            .map(|k| k * s)
                            .take_while(|&o| o + e_i <= d_i)
                            .collect();
                        if *o.last().unwrap() != d_i - e_i {
                            o.push(d_i - e_i);
                        }
                        o
                    }
                };
                wi += 1;
                o
            }
        };
        out.push(RefAxis {
            role,
            len: d,
            origins,
        });
    }
    Ok(out)
}

/// (input axis, is-grid?) for every output axis in `order`.
pub fn ref_out_axes(geo: &[RefAxis], order: PatchOrder) -> Vec<(usize, bool, usize)> {
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    for (a, g) in geo.iter().enumerate() {
        match g.role {
            AxisRole::Batch => outer.push((a, true, g.len)),
            AxisRole::Whole => inner.push((a, false, g.len)),
            AxisRole::Window(w) => {
                outer.push((a, true, g.origins.len()));
                inner.push((a, false, w.size));
            }
        }
    }
    match order {
        PatchOrder::PatchMajor => [outer, inner].concat(),
        PatchOrder::FeatureMajor => [inner, outer].concat(),
    }
}

/// For every output element in C order: the input coordinates (unremapped)
/// and the patch index.
pub fn ref_positions(geo: &[RefAxis], order: PatchOrder) -> Vec<(Vec<isize>, usize)> {
    let axes = ref_out_axes(geo, order);
    let total: usize = axes.iter().map(|a| a.2).product();
    let n_patches: usize = geo
        .iter()
        .filter(|g| !matches!(g.role, AxisRole::Whole))
        .map(|g| g.origins.len())
        .product();
    let mut out = Vec::with_capacity(total);
    for flat in 0..total {
        let mut rest = flat;
        let mut idx = vec![0; axes.len()];
        for (m, a) in axes.iter().enumerate().rev() {
            idx[m] = rest % a.2;
            rest /= a.2;
        }
        let mut coords = vec![0isize; geo.len()];
        let mut patch = 0usize;
        // Patch index: C order over the outer axes in input order.
        for (m, &(a, is_grid, len)) in axes.iter().enumerate() {
            let g = &geo[a];
            if is_grid {
                coords[a] += g.origins[idx[m]];
            } else {
                match g.role {
                    AxisRole::Window(w) => coords[a] += (idx[m] * w.dilation) as isize,
                    _ => coords[a] += idx[m] as isize,
                }
            }
            let _ = len;
        }
        let outer_in_order: Vec<(usize, usize)> = {
            let mut v: Vec<(usize, usize, usize)> = axes
                .iter()
                .enumerate()
                .filter(|(_, a)| a.1)
                .map(|(m, a)| (a.0, idx[m], a.2))
                .collect();
            v.sort();
            v.into_iter().map(|(_, i, n)| (i, n)).collect()
        };
        for (i, n) in outer_in_order {
            patch = patch * n + i;
        }
        let _ = n_patches;
        out.push((coords, patch));
    }
    out
}

/// Every output element of `extract`, in C order of the output, read index by index.
pub fn ref_extract(
    src: &[i64],
    layout: &Layout,
    geo: &[RefAxis],
    mode: PadMode,
    order: PatchOrder,
    fill: i64,
) -> Vec<i64> {
    ref_positions(geo, order)
        .into_iter()
        .map(|(coords, _)| {
            let mut at = layout.offset() as isize;
            for ((&c, g), &s) in coords.iter().zip(geo).zip(layout.strides()) {
                match ref_remap(c, g.len, mode) {
                    Some(r) => at += r as isize * s,
                    None => return fill,
                }
            }
            src[at as usize]
        })
        .collect()
}

/// The fold of `patches` (in `order`) back to `shape` with `reduce`, index by index;
/// `weights[a]` is the window weight vector of axis `a` (used by `Reduce::Weighted`).
pub fn ref_fold(
    patches: &[f64],
    shape: &[usize],
    geo: &[RefAxis],
    order: PatchOrder,
    reduce: &Reduce,
    weights: &[Vec<f64>],
) -> Vec<f64> {
    let n: usize = shape.iter().product();
    let mut sum = vec![0.0; n];
    let mut norm = vec![0.0; n];
    let mut last = vec![None::<(usize, f64)>; n];
    let positions = ref_positions(geo, order);
    let inner_of = |coords: &[isize], patch_coords: &[isize]| -> f64 {
        // weight: product over window axes of w[(c - origin)/dilation]
        let mut w = 1.0;
        for (a, g) in geo.iter().enumerate() {
            if let AxisRole::Window(win) = g.role {
                let j = ((coords[a] - patch_coords[a]) / win.dilation as isize) as usize;
                w *= weights[a][j];
            }
        }
        w
    };
    // Patch origins per patch index, for weights.
    for (flat, (coords, patch)) in positions.iter().enumerate() {
        if coords
            .iter()
            .zip(geo)
            .any(|(&c, g)| c < 0 || c >= g.len as isize)
        {
            continue;
        }
        let target = coords
            .iter()
            .zip(shape)
            .fold(0usize, |acc, (&c, &d)| acc * d + c as usize);
        // Origin of this patch per axis.
        let mut rest = *patch;
        let mut origin = vec![0isize; geo.len()];
        for (a, g) in geo.iter().enumerate().rev() {
            match g.role {
                AxisRole::Whole => {}
                AxisRole::Batch => {
                    origin[a] = (rest % g.len) as isize;
                    rest /= g.len;
                }
                AxisRole::Window(_) => {
                    let ng = g.origins.len();
                    origin[a] = g.origins[rest % ng];
                    rest /= ng;
                }
            }
        }
        let v = patches[flat];
        let w = if matches!(reduce, Reduce::Weighted(_)) {
            inner_of(coords, &origin)
        } else {
            1.0
        };
        sum[target] += w * v;
        norm[target] += w;
        if last[target].is_none_or(|(k, _)| *patch >= k) {
            last[target] = Some((*patch, v));
        }
    }
    match reduce {
        Reduce::Sum => sum,
        Reduce::Mean | Reduce::Weighted(_) => sum
            .iter()
            .zip(&norm)
            .map(|(&s, &c)| if c > 0.0 { s / c } else { 0.0 })
            .collect(),
        Reduce::Overwrite => last.iter().map(|l| l.map_or(0.0, |(_, v)| v)).collect(),
    }
}

/// Bytes from the lowest to the highest element any patch reads, plus one
/// element, by visiting every element of every patch.
pub fn ref_span(layout: &Layout, geo: &[RefAxis], mode: PadMode) -> usize {
    let (mut lo, mut hi) = (isize::MAX, isize::MIN);
    'positions: for (coords, _) in ref_positions(geo, PatchOrder::PatchMajor) {
        let mut at = layout.offset() as isize;
        for ((&c, g), &s) in coords.iter().zip(geo).zip(layout.strides()) {
            match ref_remap(c, g.len, mode) {
                Some(r) => at += r as isize * s,
                None => continue 'positions,
            }
        }
        lo = lo.min(at);
        hi = hi.max(at);
    }
    if lo > hi {
        0
    } else {
        (hi - lo + 1) as usize * layout.itemsize()
    }
}
