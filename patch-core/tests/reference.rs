//! Property tests: every copying path against a naive index-by-index
//! reference written independently of the engine (its own grid and padding
//! formulas, iterative reflection instead of periodic), over random ranks
//! 1-5, shapes with 0 and 1, strides with gaps and negative signs, roles,
//! steps, dilations, paddings, orders and reductions.

use patch_core::{
    AxisRole, Convention, ErrorKind, ExtractOptions, Layout, PadMode, Padding, PatchOrder,
    PatchSpec, PatchView, Plan, Reduce, Window, WindowFn,
};
mod common;
use common::cases;
use proptest::prelude::*;

/// One axis of the reference geometry: grid count and window origins.
#[derive(Debug, Clone)]
struct RefAxis {
    role: AxisRole,
    len: usize,
    origins: Vec<isize>,
}

/// numpy-style iterative padding lookup.
fn ref_remap(mut c: isize, d: usize, mode: PadMode) -> Option<usize> {
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
fn ref_geometry(
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
fn ref_out_axes(geo: &[RefAxis], order: PatchOrder) -> Vec<(usize, bool, usize)> {
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
fn ref_positions(geo: &[RefAxis], order: PatchOrder) -> Vec<(Vec<isize>, usize)> {
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

fn ref_extract(
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

fn ref_fold(
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

/// A random case: layout, roles, padding.
#[derive(Debug, Clone)]
struct Case {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    buffer: usize,
    roles: Vec<AxisRole>,
    padding: Padding,
    /// The fill value of the copies (read by constant padding only).
    fill: i64,
}

fn mode_strategy() -> impl Strategy<Value = PadMode> {
    prop_oneof![
        Just(PadMode::Constant),
        Just(PadMode::Reflect),
        Just(PadMode::Symmetric),
        Just(PadMode::Edge),
        Just(PadMode::Wrap),
    ]
}

fn role_strategy() -> impl Strategy<Value = AxisRole> {
    prop_oneof![
        3 => (1usize..5, 1usize..5, 1usize..4).prop_map(|(size, step, dilation)| AxisRole::Window(Window { size, step, dilation })),
        1 => Just(AxisRole::Whole),
        1 => Just(AxisRole::Batch),
    ]
}

fn case_strategy(max_rank: usize) -> impl Strategy<Value = Case> {
    (1..=max_rank)
        .prop_flat_map(|rank| {
            (
                prop::collection::vec(
                    prop_oneof![1 => Just(0usize), 2 => Just(1usize), 8 => 2usize..9],
                    rank,
                ),
                prop::collection::vec(role_strategy(), rank),
                Just((0..rank).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), rank),
                prop::collection::vec(1isize..3, rank),
                0usize..5,
                prop_oneof![Just(0u8), Just(1u8), Just(2u8), Just(3u8)],
                prop::collection::vec((0usize..5, 0usize..5), rank),
                mode_strategy(),
                -3i64..3,
            )
        })
        .prop_map(
            |(shape, roles, perm, flips, gaps, extra, conv, pads, mode, fill)| {
                // Strides: axes laid out in `perm` order with gaps, some flipped.
                let mut strides = vec![0isize; shape.len()];
                let mut acc = 1isize;
                for &a in perm.iter().rev() {
                    strides[a] = acc * gaps[a];
                    acc *= (shape[a].max(1) as isize) * gaps[a];
                }
                let mut offset = 0usize;
                for a in 0..shape.len() {
                    if flips[a] && shape[a] > 0 {
                        offset += (shape[a] - 1) * strides[a] as usize;
                        strides[a] = -strides[a];
                    }
                }
                let n_windows = roles
                    .iter()
                    .filter(|r| matches!(r, AxisRole::Window(_)))
                    .count();
                let convention = match conv {
                    0 => Convention::Valid,
                    1 => Convention::Same,
                    2 => Convention::Explicit(pads[..n_windows].to_vec()),
                    _ => Convention::Cover,
                };
                let layout = Layout::new(&shape, &strides, offset, 8).unwrap();
                let buffer = layout.required_len() + extra;
                Case {
                    shape,
                    strides,
                    offset,
                    buffer,
                    roles,
                    padding: Padding { convention, mode },
                    fill,
                }
            },
        )
}

fn all_reduces() -> Vec<Reduce> {
    vec![
        Reduce::Sum,
        Reduce::Mean,
        Reduce::Overwrite,
        Reduce::Weighted(WindowFn::Hann),
        Reduce::Weighted(WindowFn::gaussian()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(600), ..ProptestConfig::default() })]

    /// Plan, view, extract (both orders, typed and bytes) and fold (every
    /// reduction, both orders) against the reference.
    #[test]
    fn every_path_matches_the_reference(case in case_strategy(5)) {
        let layout = Layout::new(&case.shape, &case.strides, case.offset, 8).unwrap();
        let spec = PatchSpec::new(case.roles.clone());
        let expected = ref_geometry(&case.shape, &case.roles, &case.padding);
        let plan = Plan::new(&layout, &spec, &case.padding);
        let geo = match (expected, plan) {
            (Err(kind), Err(e)) => { prop_assert_eq!(kind, e.kind()); return Ok(()); }
            (Err(kind), Ok(_)) => { prop_assert!(false, "expected {:?}, got a plan", kind); unreachable!() }
            (Ok(_), Err(e)) => { prop_assert!(false, "unexpected error {}", e); unreachable!() }
            (Ok(geo), Ok(plan)) => (geo, plan),
        };
        let (geo, plan) = geo;
        // Grid counts and origins.
        let mut wi = 0;
        for (a, g) in geo.iter().enumerate() {
            if let AxisRole::Window(_) = g.role {
                prop_assert_eq!(plan.grid()[wi], g.origins.len(), "grid of axis {}", a);
                wi += 1;
            }
        }
        let src: Vec<i64> = (0..case.buffer as i64).map(|v| v * 7 + 3).collect();
        let fill = case.fill;
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let want = ref_extract(&src, &layout, &geo, case.padding.mode, order, fill);
            let got = plan.extract_with(&src, &ExtractOptions::new().order(order).fill(fill)).unwrap();
            prop_assert_eq!(got.data(), &want[..], "extract {:?}", order);
            prop_assert_eq!(got.shape(), &plan.copy_shape(order)[..]);
            // Without options the fill is zero.
            let zero = ref_extract(&src, &layout, &geo, case.padding.mode, order, 0);
            let got = plan.extract(&src, order).unwrap();
            prop_assert_eq!(got.data(), &zero[..], "extract {:?}", order);
            // The byte path agrees with the typed path.
            let bytes: Vec<u8> = src.iter().flat_map(|v| v.to_ne_bytes()).collect();
            let mut out = vec![0u8; plan.copy_bytes()];
            plan.extract_bytes(&bytes, &mut out, order, &fill.to_ne_bytes()).unwrap();
            let back: Vec<i64> = out.chunks_exact(8).map(|c| i64::from_ne_bytes(c.try_into().unwrap())).collect();
            prop_assert_eq!(back, want);
        }
        // Patch origins and padding flags.
        for k in 0..plan.num_patches().min(50) {
            let origin = plan.patch_origin(k).unwrap();
            let mut rest = k;
            let mut touches = false;
            for (a, g) in geo.iter().enumerate().rev() {
                let expect = match g.role {
                    AxisRole::Whole => 0,
                    AxisRole::Batch => { let i = rest % g.len; rest /= g.len; i as isize }
                    AxisRole::Window(w) => {
                        let n = g.origins.len();
                        let o = g.origins[rest % n];
                        rest /= n;
                        let last = o + ((w.size - 1) * w.dilation) as isize;
                        touches |= o < 0 || last >= g.len as isize;
                        o
                    }
                };
                prop_assert_eq!(origin[a], expect);
            }
            prop_assert_eq!(plan.touches_padding(k).unwrap(), touches);
        }
        // The zero-copy view reads the same elements, and its byte strides
        // are its element strides in bytes.
        if plan.is_view() {
            let (e, b) = (plan.view_strides().unwrap(), plan.view_byte_strides().unwrap());
            prop_assert!(e.iter().zip(b).all(|(e, b)| e * 8 == *b), "{:?} vs {:?}", e, b);
            let view = PatchView::from_plan(&src, plan.clone()).unwrap();
            let flat = view.extract(PatchOrder::PatchMajor).unwrap();
            let elems = view.as_array().to_vec();
            prop_assert_eq!(flat.data(), &elems[..]);
            for k in 0..view.num_patches().min(20) {
                let p = view.patch(k).unwrap().to_vec();
                prop_assert_eq!(&p[..], &flat.data()[k * view.patch_len()..(k + 1) * view.patch_len()]);
            }
        } else {
            prop_assert_eq!(plan.view_strides().unwrap_err().kind(), ErrorKind::NotAView);
        }
        // Fold, every reduction, both orders, against the reference.
        let contiguous = Layout::new(&case.shape, &patch_core::c_strides(&case.shape).unwrap(), 0, 8).unwrap();
        let cplan = Plan::new(&contiguous, &spec, &case.padding).unwrap();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let patches: Vec<f64> = (0..plan.copy_len()).map(|i| ((i * 37) % 101) as f64 - 50.0).collect();
            for reduce in all_reduces() {
                let weights: Vec<Vec<f64>> = geo.iter().map(|g| match (g.role, &reduce) {
                    (AxisRole::Window(w), Reduce::Weighted(f)) => f.weights(w.size),
                    _ => Vec::new(),
                }).collect();
                let want = ref_fold(&patches, &case.shape, &geo, order, &reduce, &weights);
                let got = cplan.fold(&patches, order, &reduce).unwrap();
                prop_assert_eq!(got.shape(), &case.shape[..]);
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    prop_assert!((g - w).abs() <= 1e-9 * (1.0 + w.abs()), "fold {:?} {:?} at {}: {} vs {}", reduce, order, i, g, w);
                }
            }
            // Round trip: Mean (and Weighted) folding of the copies gives the
            // input back exactly wherever a window covers it.
            let x: Vec<f64> = (0..contiguous.num_elements()).map(|i| (i as f64) * 0.1 + 0.37).collect();
            let copies = cplan.extract(&x, order).unwrap();
            for reduce in [Reduce::Mean, Reduce::Weighted(WindowFn::gaussian()), Reduce::Weighted(WindowFn::Hann), Reduce::Overwrite] {
                let back = cplan.fold(copies.data(), order, &reduce).unwrap().into_vec();
                let covered = ref_fold(&vec![1.0; plan.copy_len()], &case.shape, &geo, order, &Reduce::Sum, &[]);
                for i in 0..x.len() {
                    let want = if covered[i] > 0.0 { x[i] } else { 0.0 };
                    prop_assert_eq!(back[i], want, "round trip {:?} {:?} at {}", reduce, order, i);
                }
            }
        }
    }

    /// The same on f32, where the round trip must also be exact.
    #[test]
    fn f32_round_trip_is_exact(case in case_strategy(3)) {
        let contiguous = Layout::new(&case.shape, &patch_core::c_strides(&case.shape).unwrap(), 0, 4).unwrap();
        let Ok(plan) = Plan::new(&contiguous, &PatchSpec::new(case.roles.clone()), &case.padding) else { return Ok(()) };
        let x: Vec<f32> = (0..contiguous.num_elements()).map(|i| (i as f32) * 0.3 - 7.1).collect();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let copies = plan.extract(&x, order).unwrap();
            let ones = plan.fold(&vec![1.0f32; plan.copy_len()], order, &Reduce::Sum).unwrap().into_vec();
            // f32 weighted folds (summed in f64) agree with the f64 ones.
            let p32: Vec<f32> = (0..plan.copy_len()).map(|i| ((i * 29) % 97) as f32 - 40.0).collect();
            let p64: Vec<f64> = p32.iter().map(|&v| v as f64).collect();
            let plan64 = Plan::new(&contiguous.with_itemsize(8).unwrap(), &PatchSpec::new(case.roles.clone()), &case.padding).unwrap();
            for reduce in [Reduce::Weighted(WindowFn::Hann), Reduce::Weighted(WindowFn::gaussian())] {
                let a = plan.fold(&p32, order, &reduce).unwrap();
                let b = plan64.fold(&p64, order, &reduce).unwrap();
                for (x, y) in a.iter().zip(&b) {
                    prop_assert!((*x as f64 - y).abs() <= 1e-5 * (1.0 + y.abs()), "{:?}: {} vs {}", reduce, x, y);
                }
            }
            for reduce in [Reduce::Mean, Reduce::Weighted(WindowFn::gaussian())] {
                let back = plan.fold(copies.data(), order, &reduce).unwrap().into_vec();
                for i in 0..x.len() {
                    prop_assert_eq!(back[i], if ones[i] > 0.0 { x[i] } else { 0.0 });
                }
            }
        }
    }

    /// The span of memory the patches read, against a scan of every
    /// element every patch reads.
    #[test]
    fn span_matches_a_brute_force_scan(case in case_strategy(4)) {
        let layout = Layout::new(&case.shape, &case.strides, case.offset, 8).unwrap();
        let Ok(plan) = Plan::new(&layout, &PatchSpec::new(case.roles.clone()), &case.padding) else { return Ok(()) };
        let geo = ref_geometry(&case.shape, &case.roles, &case.padding).unwrap();
        prop_assert_eq!(plan.span_bytes(), ref_span(&layout, &geo, case.padding.mode));
    }

    /// The same with wide padding on short axes, where windows lie wholly in
    /// padding and the periodic modes wrap many times.
    #[test]
    fn span_of_wide_padding_matches_a_brute_force_scan(
        axes in prop::collection::vec((1usize..7, 1usize..5, 1usize..9, 1usize..5, 0usize..40, 0usize..40), 1..3),
        mode in mode_strategy(),
        flip in any::<bool>(),
    ) {
        let shape: Vec<usize> = axes.iter().map(|a| a.0).collect();
        let roles: Vec<AxisRole> = axes.iter().map(|a| AxisRole::window(a.1, a.2, a.3)).collect();
        let pads: Vec<(usize, usize)> = axes.iter().map(|a| (a.4, a.5)).collect();
        let mut strides = patch_core::c_strides(&shape).unwrap();
        let mut offset = 0;
        if flip {
            offset = (shape[0] - 1) * strides[0] as usize;
            strides[0] = -strides[0];
        }
        let layout = Layout::new(&shape, &strides, offset, 8).unwrap();
        let padding = Padding::explicit(&pads, mode);
        let Ok(plan) = Plan::new(&layout, &PatchSpec::new(roles.clone()), &padding) else { return Ok(()) };
        let geo = ref_geometry(&shape, &roles, &padding).unwrap();
        prop_assert_eq!(plan.span_bytes(), ref_span(&layout, &geo, mode));
    }
}

/// Bytes from the lowest to the highest element any patch reads, plus one
/// element, by visiting every element of every patch.
fn ref_span(layout: &Layout, geo: &[RefAxis], mode: PadMode) -> usize {
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
