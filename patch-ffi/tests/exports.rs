//! Rust tests of the exported C functions, called the way C calls them:
//! raw pointers, lengths, integer enums, out-parameters.

use std::ffi::{CStr, c_char};
use std::ptr;

use patch::*;
use patch_core::{
    ErrorKind, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn,
};

fn text(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: the library returns static or thread-local NUL-terminated
    // strings that live at least until the next failing call on this thread.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn last_error() -> String {
    text(patch_last_error_message())
}

fn create(
    shape: &[usize],
    strides: Option<&[isize]>,
    itemsize: usize,
    axes: &[patch_axis],
    convention: u32,
    mode: u32,
) -> Result<*mut patch_view, (patch_status, String)> {
    let mut view: *mut patch_view = ptr::null_mut();
    let st = patch_view_create(
        shape.as_ptr(),
        strides.map_or(ptr::null(), |s| s.as_ptr()),
        shape.len(),
        0,
        itemsize,
        axes.as_ptr(),
        axes.len(),
        convention,
        mode,
        &mut view,
    );
    if st == patch_status::Ok {
        assert!(!view.is_null());
        Ok(view)
    } else {
        assert!(view.is_null(), "out_view written on failure");
        Err((st, last_error()))
    }
}

fn window(size: usize, step: usize, dilation: usize) -> patch_axis {
    patch_axis {
        role: patch_role::Window as u32,
        size,
        step,
        dilation,
        ..Default::default()
    }
}

fn whole() -> patch_axis {
    patch_axis {
        role: patch_role::Whole as u32,
        ..Default::default()
    }
}

fn batch() -> patch_axis {
    patch_axis {
        role: patch_role::Batch as u32,
        ..Default::default()
    }
}

const VALID: u32 = patch_convention::Valid as u32;
const CONSTANT: u32 = patch_pad_mode::Constant as u32;

#[test]
fn status_numbers_are_fixed_and_names_match_the_engine() {
    let numbers = [
        (patch_status::Ok, 0),
        (patch_status::RankMismatch, 1),
        (patch_status::ZeroSize, 2),
        (patch_status::ZeroStep, 3),
        (patch_status::ZeroDilation, 4),
        (patch_status::WindowTooLarge, 5),
        (patch_status::OutOfBounds, 6),
        (patch_status::Overflow, 7),
        (patch_status::Aliasing, 8),
        (patch_status::BufferSize, 9),
        (patch_status::UnsupportedDtype, 10),
        (patch_status::InvalidArgument, 11),
        (patch_status::NotAView, 12),
        (patch_status::Allocation, 13),
        (patch_status::NullPointer, 100),
        (patch_status::InvalidEnum, 101),
        (patch_status::Panic, 102),
        (patch_status::Other, 103),
    ];
    assert_eq!(patch_status::all().len(), numbers.len());
    for (status, n) in numbers {
        assert_eq!(status as u32, n);
        assert_eq!(patch_status::from_u32(n), Some(status));
    }
    let kinds = [
        ErrorKind::RankMismatch,
        ErrorKind::ZeroSize,
        ErrorKind::ZeroStep,
        ErrorKind::ZeroDilation,
        ErrorKind::WindowTooLarge,
        ErrorKind::OutOfBounds,
        ErrorKind::Overflow,
        ErrorKind::Aliasing,
        ErrorKind::BufferSize,
        ErrorKind::UnsupportedDtype,
        ErrorKind::InvalidArgument,
        ErrorKind::NotAView,
        ErrorKind::Allocation,
    ];
    let mut seen = std::collections::HashSet::new();
    for kind in kinds {
        let status = patch_status::from_kind(kind);
        assert_ne!(
            status,
            patch_status::Other,
            "{kind:?} has no status of its own"
        );
        assert!(seen.insert(status), "{kind:?} shares a status");
        assert_eq!(
            status as u32,
            kind.code(),
            "{kind:?}: the status is the kind's number"
        );
        // The status name is the kind's name: the prefix of every message.
        assert_eq!(text(patch_status_str(status as u32)), kind.name());
    }
    assert_eq!(text(patch_status_str(14)), "unknown status");
    assert_eq!(text(patch_status_str(u32::MAX)), "unknown status");
}

#[test]
fn version_macros_match_the_crate() {
    assert_eq!(
        PATCH_VERSION_MAJOR.to_string(),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        PATCH_VERSION_MINOR.to_string(),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        PATCH_VERSION_PATCH.to_string(),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(text(patch_version()), env!("CARGO_PKG_VERSION"));
    // The string macro is written in cbindgen.toml; it must follow the crate.
    let define = format!("#define PATCH_VERSION \"{}\"", env!("CARGO_PKG_VERSION"));
    let config = include_str!("../cbindgen.toml");
    assert!(config.contains(&define), "cbindgen.toml lacks {define}");
    let header = include_str!("../../include/patch.h");
    assert!(header.contains(&define), "include/patch.h lacks {define}");
}

#[test]
fn vit_view_getters_match_the_plan() {
    let view = create(
        &[224, 224, 3],
        None,
        1,
        &[window(16, 16, 1), window(16, 16, 1), whole()],
        VALID,
        CONSTANT,
    )
    .unwrap();
    let mut n = 0usize;
    assert_eq!(patch_view_ndim(view, &mut n), patch_status::Ok);
    assert_eq!(n, 5);
    let mut shape = [0usize; 5];
    let mut len = 0usize;
    assert_eq!(
        patch_view_shape(view, shape.as_mut_ptr(), 5, &mut len),
        patch_status::Ok
    );
    assert_eq!((shape, len), ([14, 14, 16, 16, 3], 5));
    let mut strides = [0isize; 5];
    assert_eq!(
        patch_view_strides(view, strides.as_mut_ptr(), 5, ptr::null_mut()),
        patch_status::Ok
    );
    assert_eq!(strides, [10752, 48, 672, 3, 1]);
    assert_eq!(patch_view_num_patches(view, &mut n), patch_status::Ok);
    assert_eq!(n, 196);
    assert_eq!(patch_view_patch_len(view, &mut n), patch_status::Ok);
    assert_eq!(n, 768);
    let mut origin = [0isize; 3];
    assert_eq!(
        patch_view_patch_origin(view, 15, origin.as_mut_ptr(), 3, ptr::null_mut()),
        patch_status::Ok
    );
    assert_eq!(origin, [16, 16, 0]);
    assert_eq!(
        patch_view_patch_byte_offset(view, 15, &mut n),
        patch_status::Ok
    );
    assert_eq!(n, (16 * 224 + 16) * 3);
    assert_eq!(patch_view_span_bytes(view, &mut n), patch_status::Ok);
    assert_eq!(n, 224 * 224 * 3);
    assert_eq!(patch_view_copy_bytes(view, &mut n), patch_status::Ok);
    assert_eq!(n, 224 * 224 * 3);

    // The JSON export is the engine's plan summary.
    let mut needed = 0usize;
    assert_eq!(
        patch_view_plan_json(view, ptr::null_mut(), 0, &mut needed),
        patch_status::Ok
    );
    let mut buf = vec![0 as c_char; needed];
    assert_eq!(
        patch_view_plan_json(view, buf.as_mut_ptr(), needed, ptr::null_mut()),
        patch_status::Ok
    );
    let json: serde_json::Value = serde_json::from_str(&text(buf.as_ptr())).unwrap();
    let layout = Layout::of::<u8>(&[224, 224, 3]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16]).channels_last()).unwrap();
    assert_eq!(json, serde_json::to_value(plan.summary().unwrap()).unwrap());
    patch_view_free(view);
}

#[test]
fn copies_and_folds_equal_the_engine() {
    let shape = [2usize, 9, 11];
    let x: Vec<f32> = (0..2 * 9 * 11).map(|v| (v as f32 * 0.37).sin()).collect();
    let axes = [whole(), window(3, 2, 2), window(4, 3, 1)];
    for (conv, padding) in [
        (patch_convention::Same, Padding::same(PadMode::Reflect)),
        (patch_convention::Cover, Padding::cover()),
    ] {
        let view = create(
            &shape,
            None,
            4,
            &axes,
            conv as u32,
            patch_pad_mode::Reflect as u32,
        )
        .unwrap();
        let layout = Layout::of::<f32>(&shape).unwrap();
        let spec = PatchSpec::new(vec![
            patch_core::AxisRole::Whole,
            patch_core::AxisRole::window(3, 2, 2),
            patch_core::AxisRole::window(4, 3, 1),
        ]);
        let padding = Padding {
            mode: PadMode::Reflect,
            ..padding
        };
        let plan = Plan::new(&layout, &spec, &padding).unwrap();
        for (order, o) in [
            (patch_order::PatchMajor, PatchOrder::PatchMajor),
            (patch_order::FeatureMajor, PatchOrder::FeatureMajor),
        ] {
            let want = plan.extract(&x, o).unwrap();
            let mut got = vec![0f32; plan.copy_len()];
            let st = patch_materialize(
                view,
                x.as_ptr().cast(),
                x.len() * 4,
                got.as_mut_ptr().cast(),
                got.len() * 4,
                order as u32,
                ptr::null(),
                0,
            );
            assert_eq!(st, patch_status::Ok, "{}", last_error());
            assert_eq!(got, want.data());
            for (r, reduce) in [
                (patch_reduce::Sum, Reduce::Sum),
                (patch_reduce::Mean, Reduce::Mean),
                (patch_reduce::WeightedHann, Reduce::Weighted(WindowFn::Hann)),
                (
                    patch_reduce::WeightedGaussian,
                    Reduce::Weighted(WindowFn::gaussian()),
                ),
                (patch_reduce::Overwrite, Reduce::Overwrite),
            ] {
                let want = plan.fold(&got, o, &reduce).unwrap();
                let mut out = vec![f32::NAN; x.len()];
                let st = patch_fold_f32(
                    view,
                    got.as_ptr(),
                    got.len(),
                    out.as_mut_ptr(),
                    out.len(),
                    order as u32,
                    r as u32,
                    PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT,
                );
                assert_eq!(st, patch_status::Ok, "{}", last_error());
                assert_eq!(out, want.data());
            }
        }
        // Virtual views have no strides.
        let mut s = [0isize; 6];
        assert_eq!(
            patch_view_strides(view, s.as_mut_ptr(), 6, ptr::null_mut()),
            patch_status::NotAView
        );
        assert!(last_error().starts_with("not a view: "));
        patch_view_free(view);
    }
}

#[test]
fn frames_equal_the_engine() {
    let signal: Vec<i16> = (0..23).map(|v| v * 3 - 30).collect();
    for pad_end in [false, true] {
        let want = patch_core::frame(&signal, 5, 4, pad_end, -1i16).unwrap();
        let (mut n, mut pad) = (0usize, 0usize);
        assert_eq!(
            patch_frame_count(signal.len(), 5, 4, pad_end, &mut n, &mut pad),
            patch_status::Ok
        );
        assert_eq!(n, want.shape()[0]);
        let mut out = vec![0i16; n * 5];
        let fill = -1i16;
        let st = patch_frame(
            signal.as_ptr().cast(),
            signal.len() * 2,
            2,
            5,
            4,
            pad_end,
            (&fill as *const i16).cast(),
            2,
            out.as_mut_ptr().cast(),
            out.len() * 2,
        );
        assert_eq!(st, patch_status::Ok, "{}", last_error());
        assert_eq!(out, want.data());
    }
    let frames: Vec<f64> = (0..12).map(f64::from).collect();
    let want = patch_core::overlap_add(&frames, 4, 2).unwrap();
    let mut out = vec![0f64; want.len()];
    assert_eq!(
        patch_overlap_add_f64(frames.as_ptr(), 12, 4, 2, out.as_mut_ptr(), out.len()),
        patch_status::Ok
    );
    assert_eq!(out, want.data());
}

#[test]
fn bad_inputs_give_statuses_and_messages() {
    let shape = [8usize];
    // Engine errors keep the engine's message.
    let (st, msg) = create(&shape, None, 4, &[window(5, 1, 2)], VALID, CONSTANT).unwrap_err();
    assert_eq!(st, patch_status::WindowTooLarge);
    assert_eq!(
        msg,
        "window too large: window 5 (extent 9 with dilation 2) is larger than axis 0 of length 8"
    );
    let (st, msg) = create(&shape, None, 4, &[window(2, 1, 1)], 4, CONSTANT).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(
        msg.starts_with("invalid enum: convention 4 is not one of"),
        "{msg}"
    );
    let (st, msg) = create(&shape, None, 4, &[window(2, 1, 1)], VALID, 77).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(msg.contains("pad mode 77"), "{msg}");
    let bad_role = patch_axis {
        role: 3,
        ..window(2, 1, 1)
    };
    let (st, msg) = create(&shape, None, 4, &[bad_role], VALID, CONSTANT).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(msg.contains("role of axis 0: 3"), "{msg}");
    let (st, _) = create(&shape, None, 4, &[batch(), batch()], VALID, CONSTANT).unwrap_err();
    assert_eq!(st, patch_status::RankMismatch);
    let (st, msg) = create(&[usize::MAX], None, 1, &[batch()], VALID, CONSTANT).unwrap_err();
    assert_eq!(st, patch_status::Overflow);
    assert!(msg.contains("18446744073709551615"), "{msg}");

    // NULL pointers.
    let mut view: *mut patch_view = ptr::null_mut();
    let st = patch_view_create(
        ptr::null(),
        ptr::null(),
        1,
        0,
        4,
        [window(2, 1, 1)].as_ptr(),
        1,
        VALID,
        CONSTANT,
        &mut view,
    );
    assert_eq!(st, patch_status::NullPointer);
    assert_eq!(
        last_error(),
        "null pointer: `shape` is NULL but its length is 1"
    );
    assert!(view.is_null());
    let mut n = 7usize;
    assert_eq!(
        patch_view_num_patches(ptr::null(), &mut n),
        patch_status::NullPointer
    );
    assert_eq!(n, 7);
    // An empty list may be NULL: a 0-d array is one patch of one element.
    let st = patch_view_create(
        ptr::null(),
        ptr::null(),
        0,
        0,
        4,
        ptr::null(),
        0,
        VALID,
        CONSTANT,
        &mut view,
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    assert_eq!(patch_view_num_patches(view, &mut n), patch_status::Ok);
    assert_eq!(n, 1);
    patch_view_free(view);
    patch_view_free(ptr::null_mut());

    // Buffers of the wrong size and overlapping buffers.
    let view = create(&shape, None, 4, &[window(4, 4, 1)], VALID, CONSTANT).unwrap();
    let src = [0f32; 8];
    let mut dst = [0f32; 8];
    let st = patch_materialize(
        view,
        src.as_ptr().cast(),
        32,
        dst.as_mut_ptr().cast(),
        28,
        0,
        ptr::null(),
        0,
    );
    assert_eq!(st, patch_status::BufferSize);
    assert_eq!(
        last_error(),
        "buffer size: the destination holds 7 elements but 2 patches of 4 elements need 8"
    );
    let st = patch_materialize(
        view,
        dst.as_ptr().cast(),
        32,
        dst.as_mut_ptr().cast(),
        32,
        0,
        ptr::null(),
        0,
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("overlaps `dst`"));
    let mut out = [0f32; 8];
    let st = patch_fold_f32(view, src.as_ptr(), 8, out.as_mut_ptr(), 8, 0, 1, -2.0);
    assert_eq!(
        st,
        patch_status::Ok,
        "sigma_scale is read by the Gaussian only"
    );
    let st = patch_fold_f32(view, src.as_ptr(), 8, out.as_mut_ptr(), 8, 0, 3, f64::NAN);
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("sigma_scale NaN"), "{}", last_error());
    patch_view_free(view);
}

#[test]
fn each_thread_keeps_its_own_message() {
    let handles: Vec<_> = (1..=4usize)
        .map(|t| {
            std::thread::spawn(move || {
                let mut n = 0;
                let st = patch_frame_count(10, 0, t, false, &mut n, ptr::null_mut());
                assert_eq!(st, patch_status::ZeroSize);
                let mine = last_error();
                let st = patch_frame_count(10, 3, 0, false, &mut n, ptr::null_mut());
                assert_eq!(st, patch_status::ZeroStep);
                (mine, last_error())
            })
        })
        .collect();
    for h in handles {
        let (first, second) = h.join().unwrap();
        assert!(first.starts_with("zero size: "));
        assert!(second.starts_with("zero step: "));
    }
}

#[test]
fn last_error_copy_follows_the_two_call_rule() {
    let mut n = 0usize;
    assert_eq!(
        patch_frame_count(1, 1, 0, true, &mut n, ptr::null_mut()),
        patch_status::ZeroStep
    );
    let want = "zero step: hop is 0; it must be at least 1";
    let mut needed = 0usize;
    assert_eq!(
        patch_last_error_copy(ptr::null_mut(), 0, &mut needed),
        patch_status::Ok
    );
    assert_eq!(needed, want.len() + 1);
    let mut small = [0 as c_char; 4];
    assert_eq!(
        patch_last_error_copy(small.as_mut_ptr(), 4, &mut needed),
        patch_status::BufferSize
    );
    assert_eq!(last_error(), want, "the failed copy kept the message");
    let mut buf = vec![1 as c_char; needed];
    assert_eq!(
        patch_last_error_copy(buf.as_mut_ptr(), needed, ptr::null_mut()),
        patch_status::Ok
    );
    assert_eq!(text(buf.as_ptr()), want);
}

#[test]
fn thread_setting_round_trips() {
    patch_set_num_threads(2);
    assert_eq!(patch_get_num_threads(), 2);
    patch_set_num_threads(0);
    assert!(patch_get_num_threads() >= 1);
}

#[test]
fn byte_quantities_that_overflow_are_refused_when_the_view_is_made() {
    // Element strides that fit, byte strides that do not: 2^61 * 8 = 2^64.
    let stride = [1isize << 61];
    let mut view: *mut patch_view = ptr::null_mut();
    let st = patch_view_create(
        [2usize].as_ptr(),
        stride.as_ptr(),
        1,
        0,
        8,
        [window(1, 1, 1)].as_ptr(),
        1,
        VALID,
        CONSTANT,
        &mut view,
    );
    assert_eq!(st, patch_status::Overflow);
    assert!(view.is_null(), "no view is written on failure");
    assert!(
        last_error().contains(
            "stride 2305843009213693952 of axis 0 times the itemsize 8 overflows isize bytes"
        ),
        "{}",
        last_error()
    );
}
