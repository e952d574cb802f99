//! Plan creation from arbitrary layouts, specs and paddings: refuse or
//! accept, never panic; an accepted plan answers every question.
#![no_main]
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use patch_core::{Layout, PatchOrder, PatchSpec, Plan};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(g) = patch_fuzz::wild(&mut u) else { return };
    let itemsize = *u.choose(&[0usize, 1, 2, 4, 8, 3, usize::MAX]).unwrap_or(&8);
    let Ok(layout) = Layout::new(&g.shape, &g.strides, g.offset, itemsize) else { return };
    let spec = PatchSpec::new(g.roles.clone());
    let Ok(plan) = Plan::new(&layout, &spec, &g.padding) else { return };
    let _ = plan.grid();
    let _ = plan.num_patches();
    let _ = plan.copy_len();
    let _ = plan.copy_bytes();
    let _ = plan.span_bytes();
    let _ = plan.is_view();
    let _ = plan.view_strides();
    let _ = plan.view_byte_strides();
    for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
        let _ = plan.copy_shape(order);
    }
    let n = plan.num_patches();
    for k in [0, 1, n / 2, n.wrapping_sub(1), n, usize::MAX] {
        let _ = plan.patch_origin(k);
        let _ = plan.touches_padding(k);
    }
});
