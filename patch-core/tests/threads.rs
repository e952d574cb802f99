//! Copies and folds split across threads give the same bytes as one
//! thread, for views (the strided kernel) and padded plans (the row
//! walker), both orders, every reduction.

use patch_core::{
    ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn,
    set_num_threads,
};

fn cases() -> Vec<(Vec<usize>, PatchSpec, Padding)> {
    vec![
        (
            vec![8, 224, 224, 3],
            PatchSpec::tiles(&[16, 16]).channels_last().batched(),
            Padding::valid(),
        ),
        (
            vec![64, 60, 61],
            PatchSpec::sliding(&[3, 3], &[1, 2])
                .unwrap()
                .channels_first(),
            Padding::same(PadMode::Reflect),
        ),
        (vec![300_000], PatchSpec::frames(400, 160), Padding::cover()),
        (
            vec![3, 230, 230],
            PatchSpec::sliding(&[7, 7], &[2, 2])
                .unwrap()
                .channels_first(),
            Padding::explicit(&[(3, 3), (3, 3)], PadMode::Constant),
        ),
    ]
}

#[test]
fn threaded_copies_equal_single_threaded_ones() {
    for (shape, spec, padding) in cases() {
        let layout = Layout::of::<f32>(&shape).unwrap();
        let plan = Plan::new(&layout, &spec, &padding).unwrap();
        assert!(plan.copy_bytes() > 2 << 20, "big enough to be split");
        let x: Vec<f32> = (0..layout.num_elements())
            .map(|i| (i % 977) as f32)
            .collect();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            set_num_threads(1);
            // A fill of -1: constant padding reads it.
            let opts = ExtractOptions::new().order(order).fill(-1.0f32);
            let one = plan.extract_with(&x, &opts).unwrap();
            for threads in [2, 3, 7] {
                set_num_threads(threads);
                assert_eq!(
                    plan.extract_with(&x, &opts).unwrap(),
                    one,
                    "{shape:?} {order:?} {threads} threads"
                );
            }
            set_num_threads(0);
        }
    }
}

#[test]
fn threaded_folds_equal_single_threaded_ones() {
    let mut extra = cases();
    // Non-overlapping tiles (folded by a scatter) and overlapping windows.
    extra.push((
        vec![16, 368, 368],
        PatchSpec::tiles(&[2, 2]).batched(),
        Padding::valid(),
    ));
    extra.push((
        vec![300, 301],
        PatchSpec::sliding(&[64, 64], &[32, 30]).unwrap(),
        Padding::cover(),
    ));
    extra.push((
        vec![2_000_000],
        PatchSpec::frames(400, 160),
        Padding::valid(),
    ));
    let reduces = [
        Reduce::Sum,
        Reduce::Mean,
        Reduce::Overwrite,
        Reduce::Weighted(WindowFn::Hann),
        Reduce::Weighted(WindowFn::gaussian()),
    ];
    for (shape, spec, padding) in extra {
        let layout = Layout::of::<f32>(&shape).unwrap();
        let plan = Plan::new(&layout, &spec, &padding).unwrap();
        let patches: Vec<f32> = (0..plan.copy_len())
            .map(|i| (i % 1013) as f32 * 0.5)
            .collect();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            for reduce in &reduces {
                set_num_threads(1);
                let one = plan.fold(&patches, order, reduce).unwrap();
                for threads in [2, 5] {
                    set_num_threads(threads);
                    let many = plan.fold(&patches, order, reduce).unwrap();
                    assert!(
                        many == one,
                        "{shape:?} {order:?} {reduce:?} {threads} threads"
                    );
                }
                set_num_threads(0);
            }
        }
    }
}
