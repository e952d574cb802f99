//! Rust tests of the exported C functions, called the way C calls them:
//! raw pointers, lengths, integer enums, out-parameters.

use std::ffi::{CStr, c_char};
use std::ptr;

use patch::*;
use patch_core::{
    DType, ErrorKind, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn,
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

/// A layout descriptor over `shape` (and `strides`, C-contiguous when None).
fn layout(shape: &[usize], strides: Option<&[isize]>, dtype: patch_dtype) -> patch_layout {
    patch_layout {
        shape: shape.as_ptr(),
        strides: strides.map_or(ptr::null(), <[isize]>::as_ptr),
        ndim: shape.len(),
        offset: 0,
        dtype: dtype as u32,
    }
}

fn padding(convention: patch_convention, mode: patch_pad_mode) -> patch_padding {
    patch_padding {
        convention: convention as u32,
        mode: mode as u32,
    }
}

/// `patch_view_create`, with `*out_view` checked to be written on success
/// only.
fn create_with(
    layout: &patch_layout,
    axes: &[patch_axis],
    pad: Option<&patch_padding>,
) -> Result<*mut patch_view, (patch_status, String)> {
    let marker = ptr::without_provenance_mut::<patch_view>(0x5eed);
    let mut view = marker;
    let st = patch_view_create(
        layout,
        axes.as_ptr(),
        axes.len(),
        pad.map_or(ptr::null(), |p| p as *const patch_padding),
        &mut view,
    );
    if st == patch_status::Ok {
        assert!(!view.is_null() && view != marker);
        Ok(view)
    } else {
        assert_eq!(view, marker, "out_view written on failure");
        Err((st, last_error()))
    }
}

fn create(
    shape: &[usize],
    strides: Option<&[isize]>,
    dtype: patch_dtype,
    axes: &[patch_axis],
    pad: Option<patch_padding>,
) -> Result<*mut patch_view, (patch_status, String)> {
    create_with(&layout(shape, strides, dtype), axes, pad.as_ref())
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

fn fold_opts(order: patch_order, reduce: patch_reduce) -> patch_fold_options {
    patch_fold_options {
        order: order as u32,
        reduce: reduce as u32,
        sigma_scale: PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT,
    }
}

fn extract_opts(order: patch_order) -> patch_extract_options {
    patch_extract_options {
        order: order as u32,
        fill: ptr::null(),
        fill_bytes: 0,
    }
}

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
    assert_eq!(text(patch_version()), env!("CARGO_PKG_VERSION"));
    // gen-header.sh writes the macros from the workspace version into
    // cbindgen.toml, and cbindgen copies them into the header: both must carry
    // the crate's.
    for (file, text) in [
        ("include/patch.h", include_str!("../../include/patch.h")),
        ("patch-ffi/cbindgen.toml", include_str!("../cbindgen.toml")),
    ] {
        for (name, value) in [
            (
                "PATCH_VERSION",
                concat!("\"", env!("CARGO_PKG_VERSION"), "\""),
            ),
            ("PATCH_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
            ("PATCH_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
            ("PATCH_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
            // Not a version, but written by hand in cbindgen.toml too.
            ("PATCH_AFFINE_SCALAR", "SIZE_MAX"),
        ] {
            let define = format!("#define {name} {value}\n");
            assert!(text.contains(&define), "{file} lacks {define}");
        }
    }
}

#[test]
fn vit_view_getters_match_the_plan() {
    let view = create(
        &[224, 224, 3],
        None,
        patch_dtype::U8,
        &[window(16, 16, 1), window(16, 16, 1), whole()],
        None,
    )
    .unwrap();
    let mut dtype = 0u32;
    assert_eq!(patch_view_dtype(view, &mut dtype), patch_status::Ok);
    assert_eq!(dtype, patch_dtype::U8 as u32);
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
    assert_eq!(patch_view_fold_bytes(view, &mut n), patch_status::Ok);
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
    assert_eq!(
        buf.len(),
        needed,
        "exactly the bytes reported, NUL included"
    );
    // One byte short: the status says so in bytes and nothing is written.
    let mut short = vec![7 as c_char; needed - 1];
    let mut len = 99usize;
    assert_eq!(
        patch_view_plan_json(view, short.as_mut_ptr(), needed - 1, &mut len),
        patch_status::BufferSize
    );
    assert_eq!(
        last_error(),
        format!(
            "buffer size: `buf` holds {} bytes but the JSON text (NUL included) needs {needed}",
            needed - 1
        )
    );
    assert!(short.iter().all(|&c| c == 7) && len == 99);
    patch_view_free(view);
}

#[test]
fn copies_and_folds_equal_the_engine() {
    let shape = [2usize, 9, 11];
    let x: Vec<f32> = (0..2 * 9 * 11).map(|v| (v as f32 * 0.37).sin()).collect();
    let axes = [whole(), window(3, 2, 2), window(4, 3, 1)];
    for (conv, core_padding) in [
        (patch_convention::Same, Padding::same(PadMode::Reflect)),
        (patch_convention::Cover, Padding::cover()),
    ] {
        let view = create(
            &shape,
            None,
            patch_dtype::F32,
            &axes,
            Some(padding(conv, patch_pad_mode::Reflect)),
        )
        .unwrap();
        let layout = Layout::of::<f32>(&shape).unwrap();
        let spec = PatchSpec::new(vec![
            patch_core::AxisRole::Whole,
            patch_core::AxisRole::window(3, 2, 2),
            patch_core::AxisRole::window(4, 3, 1),
        ]);
        let core_padding = Padding {
            mode: PadMode::Reflect,
            ..core_padding
        };
        let plan = Plan::new(&layout, &spec, &core_padding).unwrap();
        for (order, o) in [
            (patch_order::PatchMajor, PatchOrder::PatchMajor),
            (patch_order::FeatureMajor, PatchOrder::FeatureMajor),
        ] {
            let want = plan.extract(&x, o).unwrap();
            let mut got = vec![0f32; plan.copy_len()];
            let st = patch_extract_into(
                view,
                x.as_ptr().cast(),
                x.len() * 4,
                got.as_mut_ptr().cast(),
                got.len() * 4,
                &extract_opts(order),
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
                let fold = |opts: *const patch_fold_options| {
                    let mut out = vec![f32::NAN; x.len()];
                    let (patches, bytes) = (got.as_ptr().cast(), got.len() * 4);
                    let st = patch_fold_into(
                        view,
                        patches,
                        bytes,
                        out.as_mut_ptr().cast(),
                        x.len() * 4,
                        opts,
                    );
                    assert_eq!(st, patch_status::Ok, "{}", last_error());
                    out
                };
                let want = plan.fold(&got, o, &reduce).unwrap();
                assert_eq!(fold(&fold_opts(order, r)), want.data());
                if (order, r) == (patch_order::PatchMajor, patch_reduce::Mean) {
                    // NULL options are patch-major and Mean.
                    assert_eq!(fold(ptr::null()), want.data());
                }
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
        let opts = patch_frame_options {
            pad_end,
            fill: (&raw const fill).cast(),
            fill_bytes: 2,
        };
        let st = patch_frame_into(
            patch_dtype::I16 as u32,
            signal.as_ptr().cast(),
            signal.len() * 2,
            out.as_mut_ptr().cast(),
            out.len() * 2,
            5,
            4,
            &opts,
        );
        assert_eq!(st, patch_status::Ok, "{}", last_error());
        assert_eq!(out, want.data());
    }
    // NULL options: no end padding.
    let mut out = vec![0i16; 5 * 5];
    let st = patch_frame_into(
        patch_dtype::I16 as u32,
        signal.as_ptr().cast(),
        signal.len() * 2,
        out.as_mut_ptr().cast(),
        out.len() * 2,
        5,
        4,
        ptr::null(),
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    assert_eq!(
        out,
        patch_core::frame(&signal, 5, 4, false, 0).unwrap().data()
    );

    let frames: Vec<f64> = (0..12).map(f64::from).collect();
    let want = patch_core::overlap_add(&frames, 4, 2).unwrap();
    let mut out = vec![0f64; want.len()];
    assert_eq!(
        patch_overlap_add_into(
            patch_dtype::F64 as u32,
            frames.as_ptr().cast(),
            12 * 8,
            out.as_mut_ptr().cast(),
            out.len() * 8,
            4,
            2
        ),
        patch_status::Ok,
        "{}",
        last_error()
    );
    assert_eq!(out, want.data());
}

#[test]
fn bad_inputs_give_statuses_and_messages() {
    let shape = [8usize];
    let f32s = patch_dtype::F32;
    // Engine errors keep the engine's message.
    let (st, msg) = create(&shape, None, f32s, &[window(5, 1, 2)], None).unwrap_err();
    assert_eq!(st, patch_status::WindowTooLarge);
    assert_eq!(
        msg,
        "window too large: window 5 (extent 9 with dilation 2) is larger than axis 0 of length 8"
    );
    let bad_conv = patch_padding {
        convention: 4,
        mode: 0,
    };
    let (st, msg) = create(&shape, None, f32s, &[window(2, 1, 1)], Some(bad_conv)).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(
        msg.starts_with("invalid enum: convention 4 is not one of"),
        "{msg}"
    );
    let bad_mode = patch_padding {
        convention: 0,
        mode: 77,
    };
    let (st, msg) = create(&shape, None, f32s, &[window(2, 1, 1)], Some(bad_mode)).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(msg.contains("pad mode 77"), "{msg}");
    let bad_role = patch_axis {
        role: 3,
        ..window(2, 1, 1)
    };
    let (st, msg) = create(&shape, None, f32s, &[bad_role], None).unwrap_err();
    assert_eq!(st, patch_status::InvalidEnum);
    assert!(msg.contains("role of axis 0: 3"), "{msg}");
    let (st, _) = create(&shape, None, f32s, &[batch(), batch()], None).unwrap_err();
    assert_eq!(st, patch_status::RankMismatch);
    let (st, msg) = create(&[usize::MAX], None, patch_dtype::U8, &[batch()], None).unwrap_err();
    assert_eq!(st, patch_status::Overflow);
    assert!(msg.contains("18446744073709551615"), "{msg}");

    // NULL pointers.
    let no_shape = patch_layout {
        shape: ptr::null(),
        ..layout(&shape, None, f32s)
    };
    let (st, msg) = create_with(&no_shape, &[window(2, 1, 1)], None).unwrap_err();
    assert_eq!(st, patch_status::NullPointer);
    assert_eq!(
        msg,
        "null pointer: `layout->shape` is NULL but its length is 1"
    );
    let mut view: *mut patch_view = ptr::null_mut();
    let st = patch_view_create(ptr::null(), ptr::null(), 0, ptr::null(), &mut view);
    assert_eq!(st, patch_status::NullPointer);
    assert_eq!(last_error(), "null pointer: `layout` is NULL");
    assert!(view.is_null());
    let mut n = 7usize;
    assert_eq!(
        patch_view_num_patches(ptr::null(), &mut n),
        patch_status::NullPointer
    );
    assert_eq!(n, 7);
    // An empty list may be NULL: a 0-d array is one patch of one element.
    let view = create_with(&layout(&[], None, f32s), &[], None).unwrap();
    assert_eq!(patch_view_num_patches(view, &mut n), patch_status::Ok);
    assert_eq!(n, 1);
    patch_view_free(view);
    patch_view_free(ptr::null_mut());

    // Buffers of the wrong size (quoted in bytes) and overlapping buffers.
    let view = create(&shape, None, f32s, &[window(4, 4, 1)], None).unwrap();
    let src = [0f32; 8];
    let mut dst = [5f32; 8];
    let st = patch_extract_into(
        view,
        src.as_ptr().cast(),
        32,
        dst.as_mut_ptr().cast(),
        28,
        ptr::null(),
    );
    assert_eq!(st, patch_status::BufferSize);
    assert_eq!(
        last_error(),
        "buffer size: `dst_bytes` holds 28 bytes but 2 patches of 4 float32 elements need 32 bytes"
    );
    assert!(dst.iter().all(|&v| v == 5.0), "nothing written on failure");
    // Both pointers from one raw pointer (as C would pass them).
    let same = dst.as_mut_ptr();
    let st = patch_extract_into(
        view,
        same.cast_const().cast(),
        32,
        same.cast(),
        32,
        ptr::null(),
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("overlaps `dst`"));
    // The fill is one element of the view's type, or nothing.
    let fill = 1.5f64;
    let opts = patch_extract_options {
        fill: (&raw const fill).cast(),
        fill_bytes: 8,
        ..extract_opts(patch_order::PatchMajor)
    };
    let st = patch_extract_into(
        view,
        src.as_ptr().cast(),
        32,
        dst.as_mut_ptr().cast(),
        32,
        &opts,
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert_eq!(
        last_error(),
        "invalid argument: `fill_bytes` is 8 but the fill value is one 4-byte float32 element (or 0 for zeros)"
    );
    let mut out = [0f32; 8];
    let out_ptr = out.as_mut_ptr().cast();
    let fold = |opts: &patch_fold_options| {
        patch_fold_into(view, src.as_ptr().cast(), 32, out_ptr, 32, opts)
    };
    let mut opts = fold_opts(patch_order::PatchMajor, patch_reduce::Mean);
    opts.sigma_scale = -2.0;
    assert_eq!(
        fold(&opts),
        patch_status::Ok,
        "sigma_scale is read by the Gaussian only"
    );
    opts.reduce = patch_reduce::WeightedGaussian as u32;
    opts.sigma_scale = f64::NAN;
    assert_eq!(fold(&opts), patch_status::InvalidArgument);
    assert!(last_error().contains("sigma_scale NaN"), "{}", last_error());
    opts.reduce = 9;
    let st = fold(&opts);
    assert_eq!(st, patch_status::InvalidEnum);
    patch_view_free(view);
}

/// Issue 9 item 8: the fields of `patch_axis` that do not apply must be 0.
#[test]
fn fields_that_do_not_apply_must_be_zero() {
    let shape = [4usize, 6];
    let u8s = patch_dtype::U8;
    let batch7 = patch_axis { size: 7, ..batch() };
    let (st, msg) = create(&shape, None, u8s, &[batch7, window(2, 2, 1)], None).unwrap_err();
    assert_eq!(st, patch_status::InvalidArgument);
    assert_eq!(
        msg,
        "invalid argument: axis 0 is a batch axis but has size 7, step 0, dilation 0: they \
         describe windows and must be 0 on other axes"
    );
    let whole39 = patch_axis {
        step: 3,
        dilation: 9,
        ..whole()
    };
    let (st, msg) = create(&shape, None, u8s, &[window(2, 2, 1), whole39], None).unwrap_err();
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(
        msg.contains("axis 1 is a whole axis but has size 0, step 3, dilation 9"),
        "{msg}"
    );
    let padded_batch = patch_axis {
        pad_hi: 2,
        ..batch()
    };
    let explicit = padding(patch_convention::Explicit, patch_pad_mode::Constant);
    let (st, msg) = create(
        &shape,
        None,
        u8s,
        &[padded_batch, window(2, 2, 1)],
        Some(explicit),
    )
    .unwrap_err();
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(
        msg.contains("axis 0 is a batch axis but has padding (0, 2)"),
        "{msg}"
    );
    let padded = patch_axis {
        pad_lo: 1,
        ..window(2, 2, 1)
    };
    let same = padding(patch_convention::Same, patch_pad_mode::Edge);
    let (st, msg) = create(&shape, None, u8s, &[batch(), padded], Some(same)).unwrap_err();
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(
        msg.contains(
            "axis 1 has padding (1, 0) but the convention is not PATCH_CONVENTION_EXPLICIT"
        ),
        "{msg}"
    );
    // The same axes with zeros are fine.
    let view = create(&shape, None, u8s, &[batch(), window(2, 2, 1)], None).unwrap();
    patch_view_free(view);
}

/// Issue 9 item 5: the item size comes from a `patch_dtype`, never from a
/// caller number cast to a signed type; unknown numbers are refused.
#[test]
fn dtypes_have_fixed_numbers_and_give_the_item_size() {
    let all = [
        (patch_dtype::U8, 1, DType::U8),
        (patch_dtype::I8, 2, DType::I8),
        (patch_dtype::U16, 3, DType::U16),
        (patch_dtype::I16, 4, DType::I16),
        (patch_dtype::U32, 5, DType::U32),
        (patch_dtype::I32, 6, DType::I32),
        (patch_dtype::U64, 7, DType::U64),
        (patch_dtype::I64, 8, DType::I64),
        (patch_dtype::F32, 9, DType::F32),
        (patch_dtype::F64, 10, DType::F64),
        (patch_dtype::F16, 11, DType::F16),
        (patch_dtype::BF16, 12, DType::BF16),
    ];
    // issue 9's reproducer: shape {0, 4}, offset 1 reported strides {-4, -1}
    // with itemsize SIZE_MAX; with a dtype the strides are the true ones.
    let shape = [0usize, 4];
    for (dtype, number, core) in all {
        assert_eq!(dtype as u32, number);
        let l = patch_layout {
            offset: 1,
            ..layout(&shape, None, dtype)
        };
        let view = create_with(&l, &[batch(), batch()], None).unwrap();
        let (mut item, mut got, mut off) = (0usize, 0u32, 0usize);
        assert_eq!(patch_view_itemsize(view, &mut item), patch_status::Ok);
        assert_eq!(patch_view_dtype(view, &mut got), patch_status::Ok);
        assert_eq!(patch_view_byte_offset(view, &mut off), patch_status::Ok);
        assert_eq!((item, got, off), (core.itemsize(), number, core.itemsize()));
        let mut strides = [0isize; 2];
        assert_eq!(
            patch_view_strides(view, strides.as_mut_ptr(), 2, ptr::null_mut()),
            patch_status::Ok
        );
        let item = isize::try_from(item).unwrap();
        assert_eq!(strides, [4 * item, item], "{dtype:?}");
        patch_view_free(view);
    }
    for number in [0u32, 13, 99, u32::MAX] {
        let l = patch_layout {
            dtype: number,
            ..layout(&shape, None, patch_dtype::U8)
        };
        let (st, msg) = create_with(&l, &[batch(), batch()], None).unwrap_err();
        assert_eq!(st, patch_status::InvalidEnum);
        assert!(
            msg.starts_with(&format!(
                "invalid enum: dtype {number} is not one of PATCH_DTYPE_U8 (1)"
            )),
            "{msg}"
        );
    }
}

/// Issue 9 item 8: one status per condition (a length that is not a whole
/// number of elements is BUFFER_SIZE everywhere), arguments checked before
/// the data, and messages in bytes.
#[test]
fn byte_lengths_have_one_status_and_are_quoted_in_bytes() {
    let x = [0f32; 8];
    let mut out = [9f32; 8];
    let view = create(&[8], None, patch_dtype::F32, &[window(4, 4, 1)], None).unwrap();
    let whole = "not a whole number of 4-byte float32 elements";
    assert_eq!(patch_view_check_buffer(view, 30), patch_status::BufferSize);
    assert_eq!(
        last_error(),
        format!("buffer size: `buffer_bytes` holds 30 bytes, {whole}")
    );
    assert_eq!(patch_view_check_buffer(view, 28), patch_status::OutOfBounds);
    assert_eq!(
        last_error(),
        "out of bounds: `buffer_bytes` holds 28 bytes (7 float32 elements): shape [8] with \
         strides [1] and offset 0 reaches index 7, past the end of a buffer of 7 elements"
    );
    let src = x.as_ptr().cast();
    let dst = out.as_mut_ptr().cast();
    assert_eq!(
        patch_extract_into(view, src, 30, dst, 32, ptr::null()),
        patch_status::BufferSize
    );
    assert!(last_error().contains(&format!("`src_bytes` holds 30 bytes, {whole}")));
    assert_eq!(
        patch_extract_into(view, src, 32, dst, 30, ptr::null()),
        patch_status::BufferSize
    );
    assert!(last_error().contains("`dst_bytes` holds 30 bytes but 2 patches"));
    assert_eq!(
        patch_fold_into(view, src, 30, dst, 32, ptr::null()),
        patch_status::BufferSize
    );
    assert!(last_error().contains("`patches_bytes` holds 30 bytes but"));
    assert_eq!(
        patch_fold_into(view, src, 32, dst, 60, ptr::null()),
        patch_status::BufferSize
    );
    assert_eq!(
        last_error(),
        "buffer size: `out_bytes` holds 60 bytes but an array of shape [8] of float32 needs 32 bytes"
    );
    let f32n = patch_dtype::F32 as u32;
    assert_eq!(
        patch_frame_into(f32n, src, 30, dst, 32, 4, 4, ptr::null()),
        patch_status::BufferSize
    );
    assert!(last_error().contains(&format!("`signal_bytes` holds 30 bytes, {whole}")));
    assert_eq!(
        patch_overlap_add_into(f32n, src, 30, dst, 32, 4, 4),
        patch_status::BufferSize
    );
    assert!(last_error().contains(&format!("`frames_bytes` holds 30 bytes, {whole}")));
    assert!(out.iter().all(|&v| v == 9.0), "nothing written on failure");

    // Arguments before data: an empty signal does not make a bad dtype, a
    // zero hop or a non-float overlap-add acceptable.
    let empty = ptr::null();
    let none = ptr::null_mut();
    assert_eq!(
        patch_frame_into(0, empty, 0, none, 0, 4, 2, ptr::null()),
        patch_status::InvalidEnum
    );
    assert_eq!(
        patch_frame_into(f32n, empty, 0, none, 0, 4, 0, ptr::null()),
        patch_status::ZeroStep
    );
    assert_eq!(
        patch_overlap_add_into(patch_dtype::I16 as u32, empty, 0, none, 0, 4, 2),
        patch_status::UnsupportedDtype
    );
    assert_eq!(
        last_error(),
        "unsupported dtype: overlap-add adds samples up: `dtype` must be float32 or float64, not int16"
    );
    assert_eq!(
        patch_frame_into(f32n, empty, 0, none, 0, 4, 2, ptr::null()),
        patch_status::Ok,
        "an empty signal makes no frames"
    );
    // Folds need a float view.
    let ints = create(&[8], None, patch_dtype::I32, &[window(4, 4, 1)], None).unwrap();
    assert_eq!(
        patch_fold_into(ints, src, 32, dst, 32, ptr::null()),
        patch_status::UnsupportedDtype
    );
    assert_eq!(
        last_error(),
        "unsupported dtype: folds add elements up: the view's dtype must be float32 or float64, not int32"
    );
    patch_view_free(ints);
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

/// Issue 9 item 1: a failing `patch_last_error_copy` freed the message the
/// pointer of `patch_last_error_message` addressed (a use-after-free; Miri
/// and ASan see it). The pointer and its text must survive the failure.
#[test]
fn a_failing_copy_keeps_the_message_pointer_valid() {
    let mut n = 0usize;
    assert_eq!(
        patch_view_ndim(ptr::null(), ptr::null_mut()),
        patch_status::NullPointer
    );
    let m = patch_last_error_message();
    let before = text(m);
    assert_eq!(before, "null pointer: `view` is NULL");
    let mut b = [0 as c_char; 2];
    let mut len = 77usize;
    for _ in 0..3 {
        assert_eq!(
            patch_last_error_copy(b.as_mut_ptr(), 2, &mut len),
            patch_status::BufferSize
        );
        // Reading through the old pointer: freed memory before the fix.
        assert_eq!(text(m), before);
        assert_eq!(patch_last_error_message(), m, "the pointer is unchanged");
    }
    assert_eq!((b, len), ([0, 0], 77), "nothing written");
    // NULL with a length, and a buffer overlapping the message itself.
    assert_eq!(
        patch_last_error_copy(ptr::null_mut(), 8, &mut n),
        patch_status::NullPointer
    );
    assert_eq!(text(m), before);
    assert_eq!(
        patch_last_error_copy(m.cast_mut(), before.len() + 1, &mut n),
        patch_status::InvalidArgument
    );
    assert_eq!(text(m), before);
    // The next failing call replaces it.
    assert_eq!(
        patch_view_ndim(ptr::null(), &mut n),
        patch_status::NullPointer
    );
    assert_eq!(last_error(), "null pointer: `view` is NULL");
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
    let (st, msg) = create(
        &[2],
        Some(&stride),
        patch_dtype::F64,
        &[window(1, 1, 1)],
        None,
    )
    .unwrap_err();
    assert_eq!(st, patch_status::Overflow);
    assert!(
        msg.contains(
            "stride 2305843009213693952 of axis 0 times the itemsize 8 overflows isize bytes"
        ),
        "{msg}"
    );
}

/// Issue 11: an RGBA image described by `patch_layout_pixels` (CHW), tiled
/// into `(C, ph, pw)` patches and normalized per channel in one
/// `patch_extract_convert_into`, equals the documented formula computed
/// element by element, for every float destination.
#[test]
fn converting_copies_follow_the_documented_formula() {
    use half::{bf16, f16};
    let (h, w, t) = (8usize, 12usize, 4usize);
    let rgba: Vec<u8> = (0..h * w * 4).map(|i| (i * 37 % 256) as u8).collect();
    let (mut shape, mut strides) = ([0usize; 3], [0isize; 3]);
    let mut l = layout(&[], None, patch_dtype::U8);
    let st = patch_layout_pixels(
        patch_pixel_format::Rgba as u32,
        h,
        w,
        true,
        patch_dtype::U8 as u32,
        shape.as_mut_ptr(),
        strides.as_mut_ptr(),
        3,
        &mut l,
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    assert_eq!((shape, strides), ([3, h, w], [1, 4 * w as isize, 4]));
    assert_eq!((l.ndim, l.offset, l.dtype), (3, 0, patch_dtype::U8 as u32));
    let view = create_with(&l, &[whole(), window(t, t, 1), window(t, t, 1)], None).unwrap();
    let (n, len) = ((h / t) * (w / t), 3 * t * t);

    let (mean, std) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    let (mut scale, mut shift) = ([0f64; 3], [0f64; 3]);
    let st = patch_normalize_coeffs(
        1.0 / 255.0,
        mean.as_ptr(),
        std.as_ptr(),
        3,
        scale.as_mut_ptr(),
        shift.as_mut_ptr(),
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    for c in 0..3 {
        assert_eq!(scale[c], (1.0 / 255.0) / std[c]);
        assert_eq!(shift[c], -mean[c] / std[c]);
    }
    let affine = patch_affine {
        axis: 0,
        scale: scale.as_ptr(),
        scale_len: 3,
        shift: shift.as_ptr(),
        shift_len: 3,
    };
    // The reference: patch k, feature (c, i, j), in f32 and in f64.
    let pixel = |k: usize, f: usize| {
        let (c, i, j) = (f / (t * t), f / t % t, f % t);
        let (py, px) = (k / (w / t), k % (w / t));
        rgba[((py * t + i) * w + px * t + j) * 4 + c]
    };
    let want32: Vec<f32> = (0..n * len)
        .map(|e| {
            let (k, f) = (e / len, e % len);
            let c = f / (t * t);
            f32::from(pixel(k, f)) * scale[c] as f32 + shift[c] as f32
        })
        .collect();
    let want64: Vec<f64> = (0..n * len)
        .map(|e| {
            let (k, f) = (e / len, e % len);
            let c = f / (t * t);
            f64::from(pixel(k, f)) * scale[c] + shift[c]
        })
        .collect();

    fn run<D: Copy + Default>(
        view: *const patch_view,
        src: &[u8],
        dtype: patch_dtype,
        affine: &patch_affine,
        count: usize,
    ) -> Vec<D> {
        let mut out = vec![D::default(); count];
        let st = patch_extract_convert_into(
            view,
            src.as_ptr().cast(),
            src.len(),
            out.as_mut_ptr().cast(),
            count * size_of::<D>(),
            dtype as u32,
            ptr::null(),
            affine,
        );
        assert_eq!(st, patch_status::Ok, "{dtype:?}: {}", last_error());
        out
    }
    let got: Vec<f32> = run(view, &rgba, patch_dtype::F32, &affine, n * len);
    assert!(
        got.iter()
            .zip(&want32)
            .all(|(g, w)| g.to_bits() == w.to_bits())
    );
    let got: Vec<f64> = run(view, &rgba, patch_dtype::F64, &affine, n * len);
    assert!(
        got.iter()
            .zip(&want64)
            .all(|(g, w)| g.to_bits() == w.to_bits())
    );
    let got: Vec<u16> = run(view, &rgba, patch_dtype::F16, &affine, n * len);
    let want: Vec<u16> = want32.iter().map(|&v| f16::from_f32(v).to_bits()).collect();
    assert_eq!(got, want);
    let got: Vec<u16> = run(view, &rgba, patch_dtype::BF16, &affine, n * len);
    let want: Vec<u16> = want32
        .iter()
        .map(|&v| bf16::from_f32(v).to_bits())
        .collect();
    assert_eq!(got, want);

    // A scalar affine, and a conversion without one (NULL affine).
    let (s, b) = ([2.0f64], [-1.0f64]);
    let scalar = patch_affine {
        axis: PATCH_AFFINE_SCALAR,
        scale: s.as_ptr(),
        scale_len: 1,
        shift: b.as_ptr(),
        shift_len: 1,
    };
    assert_eq!(PATCH_AFFINE_SCALAR, usize::MAX);
    let got: Vec<f32> = run(view, &rgba, patch_dtype::F32, &scalar, n * len);
    let plain: Vec<u8> = (0..n * len).map(|e| pixel(e / len, e % len)).collect();
    assert!(
        got.iter()
            .zip(&plain)
            .all(|(g, &x)| *g == f32::from(x) * 2.0 - 1.0)
    );
    let mut out = vec![0f32; n * len];
    let st = patch_extract_convert_into(
        view,
        rgba.as_ptr().cast(),
        rgba.len(),
        out.as_mut_ptr().cast(),
        out.len() * 4,
        patch_dtype::F32 as u32,
        ptr::null(),
        ptr::null(),
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    assert!(out.iter().zip(&plain).all(|(g, &x)| *g == f32::from(x)));
    patch_view_free(view);
}

/// Issue 11: windowed frames in one call equal `patch_frame_into` followed
/// by a multiply by the window `patch_window_hann` writes; the windows
/// equal patch-core's (which the engine's tests check against torch).
#[test]
fn windowed_frames_equal_frame_then_multiply() {
    let signal: Vec<i16> = (0..1000).map(|i| ((i * 37) % 2000 - 1000) as i16).collect();
    let (fl, hop) = (64usize, 16usize);
    let mut hann = vec![0f64; fl];
    assert_eq!(
        patch_window_hann(fl, true, hann.as_mut_ptr(), fl),
        patch_status::Ok
    );
    // Close, not equal: Miri makes `cos` a little imprecise on purpose.
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    assert!(close(&hann, &patch_core::window::hann(fl, true).unwrap()));
    let mut ham = vec![0f64; 5];
    assert_eq!(
        patch_window_hamming(5, false, ham.as_mut_ptr(), 5),
        patch_status::Ok
    );
    assert!(close(&ham, &patch_core::window::hamming(5, false).unwrap()));
    let mut frames_n = 0usize;
    assert_eq!(
        patch_frame_count(signal.len(), fl, hop, true, &mut frames_n, ptr::null_mut()),
        patch_status::Ok
    );
    let mut plain = vec![0i16; frames_n * fl];
    let opts = patch_frame_options {
        pad_end: true,
        ..Default::default()
    };
    let st = patch_frame_into(
        patch_dtype::I16 as u32,
        signal.as_ptr().cast(),
        signal.len() * 2,
        plain.as_mut_ptr().cast(),
        plain.len() * 2,
        fl,
        hop,
        &opts,
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    let affine = patch_affine {
        axis: 0,
        scale: hann.as_ptr(),
        scale_len: fl,
        shift: ptr::null(),
        shift_len: 0,
    };
    let mut got = vec![0f32; frames_n * fl];
    let st = patch_frame_convert_into(
        patch_dtype::I16 as u32,
        signal.as_ptr().cast(),
        signal.len() * 2,
        got.as_mut_ptr().cast(),
        got.len() * 4,
        patch_dtype::F32 as u32,
        fl,
        hop,
        &opts,
        &affine,
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    for (e, (g, x)) in got.iter().zip(&plain).enumerate() {
        let want = f32::from(*x) * hann[e % fl] as f32 + 0.0;
        assert_eq!(g.to_bits(), want.to_bits(), "element {e}");
    }
}

/// Issue 11: every bad argument of the converting copies and the helpers
/// is a status with a message naming the numbers, and nothing is written.
#[test]
fn converting_copies_refuse_bad_arguments_and_write_nothing() {
    let img = [7u8; 4 * 4 * 3];
    let view = create(
        &[4, 4, 3],
        None,
        patch_dtype::U8,
        &[window(2, 2, 1), window(2, 2, 1), whole()],
        None,
    )
    .unwrap();
    let coeffs = [1.0f64, 2.0, 3.0];
    let affine = |axis: usize, n: usize, m: usize| patch_affine {
        axis,
        scale: coeffs.as_ptr(),
        scale_len: n,
        shift: coeffs.as_ptr(),
        shift_len: m,
    };
    // 4 patches of 12: 48 f32, with 8 bytes of room to misalign.
    let mut buf = vec![0xABAB_ABABu32; 48 + 2];
    let call = |buf: &mut [u32], at: usize, bytes: usize, dtype: u32, a: Option<&patch_affine>| {
        patch_extract_convert_into(
            view,
            img.as_ptr().cast(),
            img.len(),
            buf.as_mut_ptr().cast::<u8>().wrapping_add(at).cast(),
            bytes,
            dtype,
            ptr::null(),
            a.map_or(ptr::null(), |a| a as *const patch_affine),
        )
    };
    // (misalignment, dst_bytes, dtype, affine, status, message)
    type Case<'a> = (
        usize,
        usize,
        u32,
        Option<patch_affine>,
        patch_status,
        &'a str,
    );
    let cases: [Case<'_>; 9] = [
        (
            0,
            192,
            13,
            None,
            patch_status::InvalidEnum,
            "dtype 13 is not one of",
        ),
        (
            0,
            48,
            patch_dtype::U8 as u32,
            Some(affine(2, 3, 3)),
            patch_status::UnsupportedDtype,
            "an affine (normalize, window) writes float32, float64, float16 or bfloat16, not uint8",
        ),
        (
            0,
            192,
            patch_dtype::I32 as u32,
            None,
            patch_status::UnsupportedDtype,
            "cannot convert uint8 patches to int32",
        ),
        (
            0,
            192,
            patch_dtype::F32 as u32,
            Some(affine(2, 3, 2)),
            patch_status::InvalidArgument,
            "the affine has 3 scales but 2 shifts",
        ),
        (
            0,
            192,
            patch_dtype::F32 as u32,
            Some(affine(2, 2, 2)),
            patch_status::InvalidArgument,
            "the affine has 2 values but axis 2 of the patch (shape [2, 2, 3]) has length 3",
        ),
        (
            0,
            192,
            patch_dtype::F32 as u32,
            Some(affine(3, 3, 3)),
            patch_status::InvalidArgument,
            "the affine runs along axis 3 of the patch, but the patch has 3 axes",
        ),
        (
            0,
            192,
            patch_dtype::F32 as u32,
            Some(affine(PATCH_AFFINE_SCALAR, 3, 3)),
            patch_status::InvalidArgument,
            "has scale_len 3 and shift_len 3",
        ),
        (
            0,
            188,
            patch_dtype::F32 as u32,
            None,
            patch_status::BufferSize,
            "`dst_bytes` holds 188 bytes but 4 patches of 12 float32 elements need 192 bytes",
        ),
        (
            1,
            192,
            patch_dtype::F32 as u32,
            None,
            patch_status::InvalidArgument,
            "is misaligned for 4-byte alignment (float32 elements)",
        ),
    ];
    for (shift, bytes, dtype, a, status, needle) in cases {
        let st = call(&mut buf, shift, bytes, dtype, a.as_ref());
        let msg = last_error();
        assert_eq!(st, status, "{msg}");
        assert!(msg.contains(needle), "{msg}");
        assert!(
            buf.iter().all(|&b| b == 0xABAB_ABAB),
            "written on failure: {msg}"
        );
    }
    // A misaligned source (u16 pixels at an odd address) into f32.
    let view16 = create(
        &[2, 2],
        None,
        patch_dtype::U16,
        &[window(2, 2, 1), window(2, 2, 1)],
        None,
    )
    .unwrap();
    let src = [0u16; 5];
    let mut out = [9f32; 4];
    let st = patch_extract_convert_into(
        view16,
        src.as_ptr().cast::<u8>().wrapping_add(1).cast(),
        8,
        out.as_mut_ptr().cast(),
        16,
        patch_dtype::F32 as u32,
        ptr::null(),
        ptr::null(),
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("`src` (address"), "{}", last_error());
    assert_eq!(out, [9.0; 4]);
    // A fill of the wrong size for the destination type.
    let fill = 0u8;
    let opts = patch_extract_options {
        fill: (&raw const fill).cast(),
        fill_bytes: 1,
        ..extract_opts(patch_order::PatchMajor)
    };
    let st = patch_extract_convert_into(
        view16,
        src.as_ptr().cast(),
        8,
        out.as_mut_ptr().cast(),
        16,
        patch_dtype::F32 as u32,
        &opts,
        ptr::null(),
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("`fill_bytes` is 1 but the fill value is one 4-byte float32"));
    // NULL arrays with lengths.
    let bad = patch_affine {
        scale: ptr::null(),
        ..affine(2, 3, 3)
    };
    assert_eq!(
        call(&mut buf, 0, 192, patch_dtype::F32 as u32, Some(&bad)),
        patch_status::NullPointer
    );
    assert!(last_error().contains("`affine->scale` is NULL but its length is 3"));
    patch_view_free(view);
    patch_view_free(view16);

    // Frames: an integer output with a window, a short output.
    let signal = [1i16; 8];
    let mut out = [5f32; 6];
    let st = patch_frame_convert_into(
        patch_dtype::I16 as u32,
        signal.as_ptr().cast(),
        16,
        out.as_mut_ptr().cast(),
        20,
        patch_dtype::F32 as u32,
        2,
        3,
        ptr::null(),
        ptr::null(),
    );
    assert_eq!(st, patch_status::BufferSize);
    assert!(last_error().contains("`out_bytes` holds 20 bytes but 3 frames of 2 float32 samples"));
    assert_eq!(out, [5.0; 6]);

    // The helpers.
    let mut w = [3f64; 4];
    assert_eq!(
        patch_window_hann(5, true, w.as_mut_ptr(), 4),
        patch_status::BufferSize
    );
    assert!(last_error().contains("`out_len` is 4 but a window of 5 samples needs 5 entries"));
    assert_eq!(
        patch_window_hamming(4, true, ptr::null_mut(), 4),
        patch_status::NullPointer
    );
    assert_eq!(w, [3.0; 4]);
    let (mean, std) = ([0.5, 0.5], [0.5, 0.0]);
    let (mut s, mut b) = ([3f64; 2], [3f64; 2]);
    let st = patch_normalize_coeffs(
        1.0,
        mean.as_ptr(),
        std.as_ptr(),
        2,
        s.as_mut_ptr(),
        b.as_mut_ptr(),
    );
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("std[1] is 0"), "{}", last_error());
    // One raw pointer for both outputs (a C caller's mistake).
    let both = s.as_mut_ptr();
    let st = patch_normalize_coeffs(1.0, mean.as_ptr(), mean.as_ptr(), 2, both, both);
    assert_eq!(st, patch_status::InvalidArgument);
    assert!(last_error().contains("overlaps"), "{}", last_error());
    assert_eq!((s, b), ([3.0; 2], [3.0; 2]));
    let (mut shape, mut strides) = ([1usize; 3], [1isize; 3]);
    let marker = layout(&[], None, patch_dtype::U8);
    let mut l = marker;
    for (format, len, status, needle) in [
        (
            0u32,
            3usize,
            patch_status::InvalidEnum,
            "pixel format 0 is not one of PATCH_PIXEL_FORMAT_RGB (1)",
        ),
        (
            2,
            2,
            patch_status::BufferSize,
            "`out_len` is 2 but a pixel layout has 3 axes",
        ),
    ] {
        let st = patch_layout_pixels(
            format,
            2,
            2,
            false,
            patch_dtype::U8 as u32,
            shape.as_mut_ptr(),
            strides.as_mut_ptr(),
            len,
            &mut l,
        );
        assert_eq!(st, status);
        assert!(last_error().contains(needle), "{}", last_error());
    }
    assert_eq!((shape, strides, l.ndim), ([1; 3], [1; 3], 0));
    // BGR: channels backwards from the third element.
    let st = patch_layout_pixels(
        patch_pixel_format::Bgr as u32,
        2,
        5,
        false,
        patch_dtype::F32 as u32,
        shape.as_mut_ptr(),
        strides.as_mut_ptr(),
        3,
        &mut l,
    );
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    assert_eq!(
        (shape, strides, l.offset, l.dtype),
        ([2, 5, 3], [15, 3, -1], 2, patch_dtype::F32 as u32)
    );
    assert_eq!(
        (l.shape, l.strides.cast_mut()),
        (shape.as_ptr(), strides.as_mut_ptr())
    );
}

#[test]
fn dlpack_tensors_read_the_view_and_free_what_they_own() {
    // Overlapping frames of 10 f32 samples, size 4, hop 2: shape [4, 4],
    // strides [2, 1] elements, read-only.
    let mut buf: Vec<f32> = (0..10).map(|v| v as f32).collect();
    let shape = [10usize];
    let view = create(&shape, None, patch_dtype::F32, &[window(4, 2, 1)], None).unwrap();
    let mut t: *mut patch_dl_managed_tensor_versioned = ptr::null_mut();
    let bytes = buf.len() * 4;
    let st = patch_view_to_dlpack(view, buf.as_mut_ptr().cast(), bytes, &mut t);
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    let mut legacy: *mut patch_dl_managed_tensor = ptr::null_mut();
    let st = patch_view_to_dlpack_legacy(view, buf.as_mut_ptr().cast(), bytes, &mut legacy);
    assert_eq!(st, patch_status::Ok, "{}", last_error());
    // The tensors own their shape and strides: the view may go first.
    patch_view_free(view);
    // SAFETY: `t` and `legacy` are live tensors just exported; their shape
    // and strides hold `ndim` entries; the buffer outlives them.
    unsafe {
        let dl = &(*t).dl_tensor;
        assert_eq!(((*t).version.major, (*t).version.minor), (1, 1));
        assert_eq!((*t).flags, 1, "overlapping frames are read-only");
        assert_eq!(
            (dl.ndim, dl.dtype.code, dl.dtype.bits, dl.dtype.lanes),
            (2, 2, 32, 1)
        );
        assert_eq!((dl.device.device_type, dl.device.device_id), (1, 0));
        let shape = std::slice::from_raw_parts(dl.shape, 2);
        let strides = std::slice::from_raw_parts(dl.strides, 2);
        assert_eq!((shape, strides), (&[4i64, 4][..], &[2i64, 1][..]));
        let base = dl.data.cast::<f32>().byte_add(dl.byte_offset as usize);
        for f in 0..4 {
            for i in 0..4 {
                assert_eq!(*base.add(f * 2 + i), (f * 2 + i) as f32);
            }
        }
        let ld = &(*legacy).dl_tensor;
        assert_eq!(std::slice::from_raw_parts(ld.strides, 2), strides);
        assert_ne!(ld.shape, dl.shape);
        ((*t).deleter.unwrap())(t);
        ((*legacy).deleter.unwrap())(legacy);
    }
    // A padded view has no strides: NOT_A_VIEW, nothing written.
    let padded = create(
        &shape,
        None,
        patch_dtype::F32,
        &[window(4, 3, 1)],
        Some(padding(patch_convention::Same, patch_pad_mode::Constant)),
    )
    .unwrap();
    let mut t: *mut patch_dl_managed_tensor_versioned = ptr::null_mut();
    let st = patch_view_to_dlpack(padded, buf.as_mut_ptr().cast(), bytes, &mut t);
    assert_eq!(st, patch_status::NotAView, "{}", last_error());
    assert!(t.is_null());
    patch_view_free(padded);
}

/// The stream handles, called as C calls them (and under Miri: the
/// mutable handle of `handle_mut`): pushed in uneven chunks, the frames
/// and the overlap-add equal the engine's offline calls.
#[test]
fn stream_handles_equal_the_offline_calls() {
    let signal: Vec<f32> = (0..50).map(|i| i as f32 * 0.5 - 3.0).collect();
    let fill = -1.0f32;
    let opts = patch_frame_options {
        pad_end: true,
        fill: ptr::from_ref(&fill).cast(),
        fill_bytes: 4,
    };
    let mut framer: *mut patch_framer = ptr::null_mut();
    let f32_type = patch_dtype::F32 as u32;
    let st = patch_framer_create(f32_type, f32_type, 8, 3, &opts, ptr::null(), &mut framer);
    assert_eq!(st, patch_status::Ok);
    let mut got = Vec::new();
    let mut at = 0;
    for len in [0usize, 1, 2, 9, 0, 20, 18] {
        let mut want = 0;
        assert_eq!(
            patch_framer_frames_for(framer, len, &mut want),
            patch_status::Ok
        );
        let mut out = vec![0.0f32; want * 8];
        let mut n = usize::MAX;
        let chunk = signal[at..at + len].as_ptr().cast();
        let st = patch_framer_push(
            framer,
            chunk,
            len * 4,
            out.as_mut_ptr().cast(),
            out.len() * 4,
            &mut n,
        );
        assert_eq!((st, n), (patch_status::Ok, want));
        got.extend_from_slice(&out);
        at += len;
    }
    let mut n = 0;
    assert_eq!(patch_framer_finish_frames(framer, &mut n), patch_status::Ok);
    let mut tail = vec![0.0f32; n * 8];
    let st = patch_framer_finish(
        framer,
        tail.as_mut_ptr().cast(),
        tail.len() * 4,
        ptr::null_mut(),
    );
    assert_eq!(st, patch_status::Ok);
    got.extend_from_slice(&tail);
    patch_framer_free(framer);
    let want = patch_core::frame(&signal, 8, 3, true, fill).unwrap();
    assert_eq!(got, want.data());

    let mut ola: *mut patch_overlap_adder = ptr::null_mut();
    assert_eq!(
        patch_overlap_adder_create(f32_type, 8, 3, &mut ola),
        patch_status::Ok
    );
    let frames = want.data();
    let mut sum = Vec::new();
    for batch in frames.chunks(3 * 8) {
        let mut k = 0;
        assert_eq!(
            patch_overlap_adder_samples_for(ola, batch.len() / 8, &mut k),
            patch_status::Ok
        );
        let mut out = vec![0.0f32; k];
        let st = patch_overlap_adder_push(
            ola,
            batch.as_ptr().cast(),
            batch.len() * 4,
            out.as_mut_ptr().cast(),
            k * 4,
            ptr::null_mut(),
        );
        assert_eq!(st, patch_status::Ok);
        sum.extend_from_slice(&out);
    }
    let mut k = 0;
    assert_eq!(
        patch_overlap_adder_finish_samples(ola, &mut k),
        patch_status::Ok
    );
    let mut out = vec![0.0f32; k];
    let st = patch_overlap_adder_finish(ola, out.as_mut_ptr().cast(), k * 4, ptr::null_mut());
    assert_eq!(st, patch_status::Ok);
    sum.extend_from_slice(&out);
    patch_overlap_adder_free(ola);
    assert_eq!(sum, patch_core::overlap_add(frames, 8, 3).unwrap().data());
    // NULL handles are statuses; freeing NULL does nothing.
    let st = patch_framer_push(
        ptr::null_mut(),
        ptr::null(),
        0,
        ptr::null_mut(),
        0,
        ptr::null_mut(),
    );
    assert_eq!(st, patch_status::NullPointer);
    assert!(last_error().contains("`framer` is NULL"));
    patch_framer_free(ptr::null_mut());
    patch_overlap_adder_free(ptr::null_mut());
}
