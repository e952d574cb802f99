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
use patch_testkit::{ref_extract, ref_fold, ref_geometry, ref_span};
use proptest::prelude::*;

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
