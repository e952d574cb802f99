//! No input reachable through the public API panics: wild shapes, strides,
//! offsets, windows and paddings give either a result or a `PatchError`.

use patch_core::{
    AxisRole, Convention, ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec,
    PatchView, Plan, Reduce, WindowFn,
};
mod common;
use common::cases;
use proptest::prelude::*;

fn wild_usize() -> impl Strategy<Value = usize> {
    prop_oneof![
        0usize..6,
        Just(usize::MAX),
        Just(usize::MAX / 2),
        Just(1 << 31),
        Just(isize::MAX as usize),
        any::<usize>()
    ]
}

fn wild_isize() -> impl Strategy<Value = isize> {
    prop_oneof![
        -6isize..6,
        Just(isize::MAX),
        Just(isize::MIN),
        Just(1 << 40),
        any::<isize>()
    ]
}

fn wild_role() -> impl Strategy<Value = AxisRole> {
    prop_oneof![
        (wild_usize(), wild_usize(), wild_usize()).prop_map(|(a, b, c)| AxisRole::window(a, b, c)),
        (1usize..4, 1usize..4, 1usize..3).prop_map(|(a, b, c)| AxisRole::window(a, b, c)),
        Just(AxisRole::Whole),
        Just(AxisRole::Batch),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2000), ..ProptestConfig::default() })]

    #[test]
    fn wild_inputs_never_panic(
        (shape, strides, roles, pads) in (0usize..5).prop_flat_map(|rank| (
            prop::collection::vec(prop_oneof![6 => 0usize..6, 1 => wild_usize()], rank),
            prop::collection::vec(prop_oneof![6 => -8isize..8, 1 => wild_isize()], rank),
            prop_oneof![8 => prop::collection::vec(wild_role(), rank), 1 => prop::collection::vec(wild_role(), 0..5)],
            prop::collection::vec((prop_oneof![0usize..4, wild_usize()], prop_oneof![0usize..4, wild_usize()]), 0..5),
        )),
        offset in prop_oneof![3 => 0usize..40, 1 => wild_usize()],
        itemsize in prop_oneof![6 => Just(8usize), 1 => 0usize..20, 1 => wild_usize()],
        conv in 0u8..4,
        mode in prop_oneof![Just(PadMode::Reflect), Just(PadMode::Wrap), Just(PadMode::Constant), Just(PadMode::Symmetric), Just(PadMode::Edge)],
        buffer in 0usize..200,
    ) {
        let Ok(layout) = Layout::new(&shape, &strides, offset, itemsize) else { return Ok(()) };
        let convention = match conv { 0 => Convention::Valid, 1 => Convention::Same, 2 => Convention::Explicit(pads), _ => Convention::Cover };
        let padding = Padding { convention, mode };
        let spec = PatchSpec::new(roles);
        let Ok(plan) = Plan::new(&layout, &spec, &padding) else { return Ok(()) };
        let _ = plan.summary();
        let _ = plan.patch_origin(0);
        let _ = plan.touches_padding(plan.num_patches().saturating_sub(1));
        let _ = plan.patch_offset(3);
        let _ = plan.check_writable();
        if plan.copy_len() > 4_000 || layout.itemsize() != 8 {
            return Ok(());
        }
        let src = vec![1.5f64; buffer];
        let _ = plan.extract_with(&src, &ExtractOptions::new().order(PatchOrder::FeatureMajor).fill(f64::NAN));
        if let Ok(view) = PatchView::from_plan(&src, plan.clone()) {
            let _ = view.patch(0).map(|p| p.to_vec());
            let _ = view.get(&vec![0; view.ndim()]);
        }
        if layout.num_elements() < 4_000 {
            let p = vec![1.0f64; plan.copy_len()];
            let _ = plan.fold(&p, PatchOrder::PatchMajor, &Reduce::Weighted(WindowFn::Hann));
            let _ = plan.fold(&p, PatchOrder::FeatureMajor, &Reduce::Overwrite);
        }
    }
}
