//! The edge cases, named in one place: every bad input gets its error kind
//! and a message with the numbers; the borderline good inputs work.

use patch_core::{
    AxisRole, Convention, ErrorKind, Layout, PadMode, Padding, PatchOrder, PatchSpec, PatchView,
    PatchViewMut, Plan, Reduce, WindowFn, frame, frame_count, overlap_add,
};

fn plan_err(shape: &[usize], spec: PatchSpec, padding: Padding) -> (ErrorKind, String) {
    let layout = Layout::of::<f32>(shape).unwrap();
    let e = Plan::new(&layout, &spec, &padding).unwrap_err();
    (e.kind(), e.to_string())
}

#[test]
fn window_equal_to_the_axis_gives_one_window() {
    let x: Vec<u16> = (0..12).collect();
    let view = PatchView::contiguous(&x, &[3, 4], &PatchSpec::tiles(&[3, 4])).unwrap();
    assert_eq!(view.shape(), &[1, 1, 3, 4]);
    assert_eq!(
        view.to_array(PatchOrder::PatchMajor).unwrap().data(),
        &x[..]
    );
}

#[test]
fn window_larger_than_the_axis_is_an_error_naming_the_numbers() {
    let spec = PatchSpec::sliding(&[2, 5], &[1, 1], &[1, 2]).unwrap();
    assert_eq!(
        plan_err(&[4, 8], spec.clone(), Padding::valid()),
        (
            ErrorKind::WindowTooLarge,
            "window too large: window 5 (extent 9 with dilation 2) is larger than axis 1 of length 8".into()
        )
    );
    let (kind, msg) = plan_err(&[4, 8], PatchSpec::tiles(&[5, 1]), Padding::valid());
    assert_eq!(kind, ErrorKind::WindowTooLarge);
    assert_eq!(
        msg,
        "window too large: window 5 is larger than axis 0 of length 4"
    );
    let (kind, msg) = plan_err(
        &[4, 8],
        PatchSpec::tiles(&[7, 1]),
        Padding::explicit(vec![(1, 1), (0, 0)], PadMode::Edge),
    );
    assert_eq!(kind, ErrorKind::WindowTooLarge);
    assert!(msg.contains("axis 0 of length 4 padded by (1, 1)"), "{msg}");
    let (kind, msg) = plan_err(&[4, 8], PatchSpec::tiles(&[5, 1]), Padding::cover());
    assert_eq!(kind, ErrorKind::WindowTooLarge);
    assert!(msg.contains("Cover"), "{msg}");
    // Same padding makes any window fit.
    let layout = Layout::of::<f32>(&[4, 8]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::tiles(&[5, 9]),
        &Padding::same(PadMode::Constant(0.0)),
    )
    .unwrap();
    assert_eq!(plan.grid(), vec![1, 1]);
}

#[test]
fn zero_size_step_and_dilation_are_errors() {
    let cases = [
        (
            AxisRole::window(0, 1, 1),
            ErrorKind::ZeroSize,
            "window size of axis 0 is 0",
        ),
        (
            AxisRole::window(2, 0, 1),
            ErrorKind::ZeroStep,
            "step of axis 0 is 0",
        ),
        (
            AxisRole::window(2, 1, 0),
            ErrorKind::ZeroDilation,
            "dilation of axis 0 is 0",
        ),
    ];
    for (role, kind, text) in cases {
        let (k, msg) = plan_err(&[6], PatchSpec::new(vec![role]), Padding::valid());
        assert_eq!(k, kind);
        assert!(msg.contains(text), "{msg}");
    }
    assert_eq!(
        frame_count(10, 0, 1, false).unwrap_err().kind(),
        ErrorKind::ZeroSize
    );
    assert_eq!(
        frame_count(10, 4, 0, false).unwrap_err().kind(),
        ErrorKind::ZeroStep
    );
    assert_eq!(
        overlap_add(&[1.0f32; 4], 0, 1).unwrap_err().kind(),
        ErrorKind::ZeroSize
    );
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    // Strides that reach past isize.
    let e = Layout::new(&[3], &[isize::MAX], 0, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    assert!(e.to_string().contains("overflows isize"), "{e}");
    // An element count past usize.
    let e = Layout::of::<u8>(&[usize::MAX, 2]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    // Bytes past isize.
    let e = Layout::of::<f64>(&[usize::MAX / 4]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    // A plan whose copy would not fit in memory: 2^31 windows of 2^31.
    let layout = Layout::of::<f32>(&[1 << 32]).unwrap();
    let e = Plan::valid(
        &layout,
        &PatchSpec::sliding(&[1 << 31], &[1], &[1]).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    assert!(
        e.to_string()
            .contains("2147483649 patches of 2147483648 elements"),
        "{e}"
    );
    // A dilation whose extent overflows.
    let (kind, _) = plan_err(
        &[8],
        PatchSpec::new(vec![AxisRole::window(3, 1, usize::MAX)]),
        Padding::valid(),
    );
    assert_eq!(kind, ErrorKind::Overflow);
    // Padding that overflows.
    let (kind, _) = plan_err(
        &[8],
        PatchSpec::tiles(&[2]),
        Padding::explicit(vec![(usize::MAX, 1)], PadMode::Constant(0.0)),
    );
    assert_eq!(kind, ErrorKind::Overflow);
}

#[test]
fn empty_arrays_are_valid_and_reach_nothing() {
    // An empty batch axis: the plan is valid, with no patches.
    let layout = Layout::of::<f32>(&[0, 5, 5]).unwrap();
    assert!(layout.check_buffer(0).is_ok());
    assert_eq!(layout.required_len(), 0);
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[5, 5]).batched()).unwrap();
    assert_eq!((plan.num_patches(), plan.patch_len()), (0, 25));
    assert_eq!(
        plan.materialize::<f32>(&[], PatchOrder::PatchMajor)
            .unwrap()
            .shape(),
        &[0, 25]
    );
    assert_eq!(
        plan.fold::<f32>(&[], PatchOrder::PatchMajor, &Reduce::Mean)
            .unwrap(),
        Vec::<f32>::new()
    );
    assert_eq!(plan.span_bytes(), 0);
    // An empty window axis with Same: no windows. With Valid: the window does not fit.
    let layout = Layout::of::<f32>(&[0]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::tiles(&[3]),
        &Padding::same(PadMode::Reflect),
    )
    .unwrap();
    assert_eq!(plan.num_patches(), 0);
    assert_eq!(
        Plan::valid(&layout, &PatchSpec::tiles(&[3]))
            .unwrap_err()
            .kind(),
        ErrorKind::WindowTooLarge
    );
    // Padding an empty axis with a mode that reads elements is refused.
    let e = Plan::new(
        &layout,
        &PatchSpec::tiles(&[3]),
        &Padding::explicit(vec![(2, 2)], PadMode::Reflect),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        e.to_string(),
        "invalid argument: cannot pad axis 0 of length 0 with mode reflect: there is no element to read"
    );
    // ... but a constant may fill it.
    let plan = Plan::new(
        &layout,
        &PatchSpec::tiles(&[3]),
        &Padding::explicit(vec![(2, 1)], PadMode::Constant(7.0)),
    )
    .unwrap();
    assert_eq!(
        plan.materialize::<f32>(&[], PatchOrder::PatchMajor)
            .unwrap()
            .data(),
        &[7.0, 7.0, 7.0]
    );
    // A zero-length whole axis: patches of no elements.
    let layout = Layout::of::<f32>(&[4, 0]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[2]).channels_last()).unwrap();
    assert_eq!((plan.num_patches(), plan.patch_len()), (2, 0));
}

#[test]
fn size_one_axes_and_negative_strides() {
    // A flipped 1-D signal: element i lives at 5 - i.
    let buf: Vec<i32> = (0..6).collect();
    let layout = Layout::new(&[6], &[-1], 5, 4).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::sliding(&[3], &[2], &[1]).unwrap()).unwrap();
    assert_eq!(plan.view_byte_strides().unwrap(), vec![-8, -4]);
    let view = PatchView::from_plan(&buf, plan).unwrap();
    assert_eq!(
        view.to_array(PatchOrder::PatchMajor).unwrap().data(),
        &[5, 4, 3, 3, 2, 1]
    );
    // Size-1 axes everywhere.
    let x = [42u8];
    let view =
        PatchView::contiguous(&x, &[1, 1, 1], &PatchSpec::tiles(&[1, 1]).channels_last()).unwrap();
    assert_eq!(view.shape(), &[1, 1, 1, 1, 1]);
    assert_eq!(view.get(&[0, 0, 0, 0, 0]), Some(&42));
    assert_eq!(view.get(&[0, 0, 0, 0, 1]), None);
}

#[test]
fn layouts_that_reach_outside_the_buffer_are_refused() {
    let buf = vec![0u8; 10];
    let layout = Layout::new(&[3, 4], &[4, 1], 0, 1).unwrap();
    let e = PatchView::new(&buf, &layout, &PatchSpec::tiles(&[1, 2])).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfBounds);
    assert_eq!(
        e.to_string(),
        "out of bounds: shape [3, 4] with strides [4, 1] and offset 0 reaches index 11, past the end of a buffer of 10 elements"
    );
    let layout = Layout::new(&[3], &[-2], 3, 1).unwrap();
    let e = layout.check_buffer(10).unwrap_err();
    assert!(
        e.to_string().contains("reaches index -1, before the start"),
        "{e}"
    );
}

#[test]
fn writable_views_of_overlapping_windows_are_refused() {
    let mut x = vec![0f32; 16];
    let layout = Layout::of::<f32>(&[16]).unwrap();
    let e = PatchViewMut::new(
        &mut x,
        &layout,
        &PatchSpec::sliding(&[4], &[2], &[1]).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aliasing);
    assert!(
        e.to_string()
            .contains("windows on axis 0 overlap (step 2 < extent 4, 7 windows)"),
        "{e}"
    );
    // Dilated windows that interleave without sharing an element are fine:
    // size 2, dilation 2, step 1 on 4 elements reads {0,2} and {1,3}.
    let layout = Layout::of::<f32>(&[4]).unwrap();
    let mut y = vec![0f32; 4];
    let mut v = PatchViewMut::new(
        &mut y,
        &layout,
        &PatchSpec::sliding(&[2], &[1], &[2]).unwrap(),
    )
    .unwrap();
    v.patch_mut(1).unwrap().fill(5.0);
    assert_eq!(y, [0.0, 5.0, 0.0, 5.0]);
    // ... but on 5 elements window 2 reads {2,4} and collides with window 0.
    let layout = Layout::of::<f32>(&[5]).unwrap();
    let mut z = vec![0f32; 5];
    let e = PatchViewMut::new(
        &mut z,
        &layout,
        &PatchSpec::sliding(&[2], &[1], &[2]).unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aliasing);
    // A broadcast (zero-stride) input cannot be written through either.
    let layout = Layout::new(&[4, 4], &[0, 1], 0, 4).unwrap();
    let mut w = vec![0f32; 4];
    let e = PatchViewMut::new(&mut w, &layout, &PatchSpec::tiles(&[2, 2])).unwrap_err();
    assert!(e.to_string().contains("may reach one element twice"), "{e}");
}

#[test]
fn writable_tiles_round_trip_through_assign() {
    let mut x: Vec<i32> = (0..24).collect();
    let layout = Layout::of::<i32>(&[4, 6]).unwrap();
    let mut tiles = PatchViewMut::new(&mut x, &layout, &PatchSpec::tiles(&[2, 3])).unwrap();
    let mut patches = tiles.to_array(PatchOrder::FeatureMajor).unwrap().into_vec();
    patches.iter_mut().for_each(|v| *v *= 10);
    tiles.assign(&patches, PatchOrder::FeatureMajor).unwrap();
    assert_eq!(x, (0..24).map(|v| v * 10).collect::<Vec<_>>());
}

#[test]
fn mismatched_ranks_lengths_and_types_are_errors() {
    let layout = Layout::of::<f32>(&[4, 4]).unwrap();
    let e = Plan::valid(&layout, &PatchSpec::tiles(&[2])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "rank mismatch: the spec has 1 axis roles but the array has 2 axes (shape [4, 4])"
    );
    assert_eq!(
        Layout::new(&[4, 4], &[1], 0, 4).unwrap_err().kind(),
        ErrorKind::RankMismatch
    );
    let e = Plan::new(
        &layout,
        &PatchSpec::tiles(&[2, 2]),
        &Padding::explicit(vec![(1, 1)], PadMode::Edge),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("1 (lo, hi) pairs but the spec has 2 window axes"),
        "{e}"
    );
    assert_eq!(
        PatchSpec::sliding(&[2, 2], &[1], &[1, 1])
            .unwrap_err()
            .kind(),
        ErrorKind::RankMismatch
    );

    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[2, 2])).unwrap();
    let x = vec![0f32; 16];
    let mut small = vec![0f32; 15];
    let e = plan
        .materialize_into(&x, &mut small, PatchOrder::PatchMajor)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "buffer size: the destination holds 15 elements but 4 patches of 4 elements need 16"
    );
    let e = plan
        .materialize(&x[..15], PatchOrder::PatchMajor)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutOfBounds);
    let e = plan
        .materialize(&[0f64; 16], PatchOrder::PatchMajor)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported dtype: the layout has 4-byte elements but the buffer holds float64 of 8 bytes"
    );
    let e = plan
        .fold(&[0f32; 15], PatchOrder::PatchMajor, &Reduce::Sum)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    let mut out = vec![0f32; 3];
    let e = plan
        .fold_into(&x, &mut out, PatchOrder::PatchMajor, &Reduce::Sum)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("holds 3 elements but shape [4, 4] needs 16"),
        "{e}"
    );
    let e = plan.patch_origin(4).unwrap_err();
    assert_eq!(
        e.to_string(),
        "out of bounds: patch 4 is out of range for 4 patches"
    );
    let e = plan
        .materialize_bytes(&[0u8; 64], &mut [0u8; 64], PatchOrder::PatchMajor, &[1, 2])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let odd = Layout::contiguous(&[4, 4], 3).unwrap();
    let plan3 = Plan::valid(&odd, &PatchSpec::tiles(&[2, 2])).unwrap();
    let e = plan3
        .materialize_bytes(&[0u8; 48], &mut [0u8; 48], PatchOrder::PatchMajor, &[])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
}

#[test]
fn weights_are_checked() {
    let layout = Layout::of::<f32>(&[8]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::sliding(&[4], &[2], &[1]).unwrap()).unwrap();
    let p = vec![1f32; plan.copy_len()];
    let bad = [
        WindowFn::PerAxis(vec![vec![1.0; 3]]),
        WindowFn::PerAxis(vec![vec![1.0, f64::NAN, 1.0, 1.0]]),
        WindowFn::PerAxis(vec![vec![1.0; 4], vec![1.0; 4]]),
        WindowFn::Gaussian { sigma_scale: 0.0 },
    ];
    for w in bad {
        assert!(
            plan.fold(&p, PatchOrder::PatchMajor, &Reduce::Weighted(w.clone()))
                .is_err(),
            "{w:?}"
        );
    }
    let ok = plan.fold(
        &p,
        PatchOrder::PatchMajor,
        &Reduce::Weighted(WindowFn::PerAxis(vec![vec![0.0, 1.0, 2.0, 0.0]])),
    );
    assert_eq!(ok.unwrap(), [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]);
}

#[test]
fn numpy_style_spec_constructor() {
    let spec = PatchSpec::sliding_window_view(3, &[2, 3], Some(&[0, -1])).unwrap();
    assert_eq!(
        spec.roles(),
        &[
            AxisRole::window(2, 1, 1),
            AxisRole::Batch,
            AxisRole::window(3, 1, 1)
        ]
    );
    assert_eq!(
        PatchSpec::sliding_window_view(3, &[2], None)
            .unwrap_err()
            .kind(),
        ErrorKind::RankMismatch
    );
    assert_eq!(
        PatchSpec::sliding_window_view(3, &[2, 2], Some(&[1, 0]))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidArgument
    );
    assert_eq!(
        PatchSpec::sliding_window_view(3, &[2], Some(&[3]))
            .unwrap_err()
            .kind(),
        ErrorKind::OutOfBounds
    );
}

#[test]
fn framing_follows_tf_signal_frame() {
    let x: Vec<f32> = (0..10).map(|v| v as f32).collect();
    // Without pad_end: only whole frames; none when the signal is shorter.
    assert_eq!(frame(&x, 4, 3, false, 0.0).unwrap().shape(), &[3, 4]);
    assert_eq!(frame(&x, 11, 3, false, 0.0).unwrap().shape(), &[0, 11]);
    // With pad_end: ceil(10 / 3) = 4 frames, the end padded with pad_value.
    let f = frame(&x, 4, 3, true, -1.0).unwrap();
    assert_eq!(f.shape(), &[4, 4]);
    assert_eq!(&f.data()[12..], &[9.0, -1.0, -1.0, -1.0]);
    assert_eq!(frame::<f32>(&[], 4, 3, true, 0.0).unwrap().shape(), &[0, 4]);
    // Overlap-add of hop == frame_len frames is concatenation.
    let ola = overlap_add(f.data(), 4, 4).unwrap();
    assert_eq!(ola, f.data());
    assert_eq!(
        overlap_add(&[1.0f64; 7], 4, 2).unwrap_err().kind(),
        ErrorKind::BufferTooSmall
    );
    assert!(overlap_add::<f64>(&[], 4, 2).unwrap().is_empty());
}

#[test]
fn plan_reports_bytes_and_padding() {
    let layout = Layout::of::<f32>(&[6, 6]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::sliding(&[3, 3], &[1, 1], &[1, 1]).unwrap(),
        &Padding::same(PadMode::Constant(0.0)),
    )
    .unwrap();
    assert_eq!(plan.grid(), vec![6, 6]);
    assert_eq!((plan.axes()[0].pad_lo, plan.axes()[0].pad_hi), (1, 1));
    assert!(!plan.is_view());
    assert_eq!(plan.view_strides().unwrap_err().kind(), ErrorKind::NotAView);
    assert_eq!(plan.patch_origin(0).unwrap(), vec![-1, -1]);
    assert!(plan.touches_padding(0).unwrap());
    assert!(!plan.touches_padding(7).unwrap());
    assert_eq!(plan.copy_bytes(), 36 * 9 * 4);
    assert_eq!(plan.span_bytes(), 36 * 4);
    // TF SAME with step 2 on 7: 4 windows, total padding 2 split (1, 1); on 8: (0, 1).
    let layout = Layout::of::<f32>(&[7]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::sliding(&[3], &[2], &[1]).unwrap(),
        &Padding::same(PadMode::Edge),
    )
    .unwrap();
    assert_eq!(
        (plan.grid()[0], plan.axes()[0].pad_lo, plan.axes()[0].pad_hi),
        (4, 1, 1)
    );
    let layout = Layout::of::<f32>(&[8]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::sliding(&[3], &[2], &[1]).unwrap(),
        &Padding::same(PadMode::Edge),
    )
    .unwrap();
    assert_eq!(
        (plan.grid()[0], plan.axes()[0].pad_lo, plan.axes()[0].pad_hi),
        (4, 0, 1)
    );
    // Cover: windows of 4 every 3 on 11 start at 0, 3, 6 and the shifted 7.
    let layout = Layout::of::<f32>(&[11]).unwrap();
    let plan = Plan::new(
        &layout,
        &PatchSpec::sliding(&[4], &[3], &[1]).unwrap(),
        &Padding::cover(),
    )
    .unwrap();
    let origins: Vec<isize> = (0..plan.num_patches())
        .map(|k| plan.patch_origin(k).unwrap()[0])
        .collect();
    assert_eq!(origins, [0, 3, 6, 7]);
    assert_eq!(plan.padding().convention, Convention::Cover);
    assert!(
        plan.view_strides()
            .unwrap_err()
            .to_string()
            .contains("shifted back to the border")
    );
}

#[test]
fn views_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PatchView<'static, f32>>();
    assert_send_sync::<PatchViewMut<'static, u8>>();
    assert_send_sync::<Plan>();
}

#[test]
fn huge_steps_with_padding_do_not_overflow() {
    // Found by the no-panic property: a ceiling division overflowed.
    let layout = Layout::new(&[1], &[0], 0, 8).unwrap();
    let spec = PatchSpec::new(vec![AxisRole::window(2, isize::MAX as usize, 8)]);
    let plan = Plan::new(&layout, &spec, &Padding::same(PadMode::Reflect)).unwrap();
    for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
        assert_eq!(
            plan.materialize(&[3.0f64], order).unwrap().data(),
            &[3.0, 3.0]
        );
    }
}

#[test]
fn axis_lengths_past_isize_are_refused_even_when_empty() {
    // Found by the no-panic property: an empty array with a huge axis.
    let e = Layout::new(&[usize::MAX, 0], &[0, 0], 0, 8).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    assert_eq!(
        e.to_string(),
        "overflow: axis 0 of length 18446744073709551615 does not fit in isize"
    );
}

#[test]
fn every_error_kind_has_a_distinct_name() {
    let names: std::collections::HashSet<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names.len(), ErrorKind::ALL.len());
}

#[test]
fn same_padding_past_isize_is_an_error() {
    // Found by the no-panic property: SAME padding of an axis near isize::MAX.
    let layout = Layout::new(&[0, isize::MAX as usize], &[0, 0], 0, 8).unwrap();
    let spec = PatchSpec::new(vec![AxisRole::Whole, AxisRole::window(3, 1, 2)]);
    let e = Plan::new(&layout, &spec, &Padding::same(PadMode::Reflect)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Overflow);
    assert!(
        e.to_string()
            .contains("padded by 4 for SAME overflows isize"),
        "{e}"
    );
}
