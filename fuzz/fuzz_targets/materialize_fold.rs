//! Materialize (both orders) and every fold reduction, differential against
//! patch-testkit's naive index-by-index reference; sizes bounded.
#![no_main]
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use patch_core::{AxisRole, ExtractOptions, Layout, PatchOrder, PatchSpec, Plan, Reduce, WindowFn};
use patch_testkit::{ref_extract, ref_fold, ref_geometry};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((g, buffer)) = patch_fuzz::small(&mut u) else { return };
    let fill: i64 = u.arbitrary().unwrap_or(0);
    let layout = Layout::new(&g.shape, &g.strides, g.offset, 8).unwrap();
    let spec = PatchSpec::new(g.roles.clone());
    let expected = ref_geometry(&g.shape, &g.roles, &g.padding);
    let plan = Plan::new(&layout, &spec, &g.padding);
    let (geo, plan) = match (expected, plan) {
        (Err(kind), Err(e)) => {
            assert_eq!(kind, e.kind(), "{e}");
            return;
        }
        (Err(kind), Ok(_)) => panic!("expected {kind:?}, got a plan"),
        (Ok(_), Err(e)) => panic!("unexpected error {e}"),
        (Ok(geo), Ok(plan)) => (geo, plan),
    };
    if plan.copy_len() > 4_000 {
        return;
    }
    let src: Vec<i64> = (0..buffer as i64).map(|v| v * 7 + 3).collect();
    for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
        let want = ref_extract(&src, &layout, &geo, g.padding.mode, order, fill);
        let got = plan.extract_with(&src, &ExtractOptions::new().order(order).fill(fill)).unwrap();
        assert_eq!(got.data(), &want[..], "extract {order:?}");
    }
    let contiguous = Layout::new(&g.shape, &patch_core::c_strides(&g.shape).unwrap(), 0, 8).unwrap();
    let cplan = Plan::new(&contiguous, &spec, &g.padding).unwrap();
    for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
        let patches: Vec<f64> = (0..plan.copy_len()).map(|i| ((i * 37) % 101) as f64 - 50.0).collect();
        for reduce in [
            Reduce::Sum,
            Reduce::Mean,
            Reduce::Overwrite,
            Reduce::Weighted(WindowFn::Hann),
            Reduce::Weighted(WindowFn::gaussian()),
        ] {
            let weights: Vec<Vec<f64>> = geo
                .iter()
                .map(|a| match (a.role, &reduce) {
                    (AxisRole::Window(w), Reduce::Weighted(f)) => f.weights(w.size),
                    _ => Vec::new(),
                })
                .collect();
            let want = ref_fold(&patches, &g.shape, &geo, order, &reduce, &weights);
            let got = cplan.fold(&patches, order, &reduce).unwrap();
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "fold {reduce:?} {order:?} at {i}: {a} vs {b}");
            }
        }
    }
});
