//! The C ABI of patch-ffi driven by arbitrary bytes, called as Rust
//! functions: descriptors built from the input, every pointer into a real
//! Rust buffer of a fuzzed length (or NULL where the header documents NULL
//! handling), every handle freed. Checked: no call panics (a panic would be
//! `PATCH_STATUS_PANIC`, and libFuzzer's hook aborts first), every status
//! is a known one with a message starting with its name, nothing is
//! written to an output on failure, and a successful copy equals
//! patch-core's own copy of the same plan.
#![no_main]
use std::ffi::{CStr, c_void};
use std::ptr::{null, null_mut};

use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use patch_core::PatchOrder;
use patch::*;

/// The most bytes any buffer of one execution holds.
const MAX_BYTES: usize = 1 << 14;

/// A sentinel for "not written".
const SENTINEL: u8 = 0xA5;

type U<'a, 'b> = &'a mut Unstructured<'b>;

/// A number: mostly small, sometimes anything.
fn num(u: U, small: usize) -> usize {
    if u.ratio(7, 8).unwrap_or(true) {
        u.int_in_range(0..=small).unwrap_or(0)
    } else {
        u.arbitrary().unwrap_or(0)
    }
}

fn inum(u: U, small: isize) -> isize {
    if u.ratio(7, 8).unwrap_or(true) {
        u.int_in_range(-small..=small).unwrap_or(1)
    } else {
        u.arbitrary().unwrap_or(0)
    }
}

/// An enum number: mostly one of `0..n`, sometimes anything.
fn enum_num(u: U, n: u32) -> u32 {
    if u.ratio(15, 16).unwrap_or(true) {
        u.int_in_range(0..=n - 1).unwrap_or(0)
    } else {
        u.arbitrary().unwrap_or(0)
    }
}

/// A byte length for a buffer that should hold `needed` bytes: mostly
/// exact, sometimes a bit off, bounded by [`MAX_BYTES`].
fn len_near(u: U, needed: usize) -> usize {
    let len = match u.int_in_range(0..=7u8).unwrap_or(0) {
        0 => needed.saturating_sub(1),
        1 => needed.saturating_add(1),
        2 => u.int_in_range(0..=64usize).unwrap_or(0),
        3 => needed.saturating_add(8),
        _ => needed,
    };
    len.min(MAX_BYTES)
}

/// An 8-byte-aligned buffer of at least `bytes + 8` bytes, filled with
/// the sentinel; the pointer handed out may be shifted by a fuzzed 0..8
/// bytes (misaligned on purpose) and still has `bytes` live bytes.
struct Buffer {
    words: Vec<u64>,
    shift: usize,
}

impl Buffer {
    fn new(u: U, bytes: usize) -> Buffer {
        let shift = if u.ratio(1, 8).unwrap_or(false) { u.int_in_range(1..=7).unwrap_or(1) } else { 0 };
        let words = vec![u64::from_ne_bytes([SENTINEL; 8]); bytes.div_ceil(8) + 1];
        Buffer { words, shift }
    }

    /// Fills the buffer with fuzzed bytes (for inputs).
    fn fill(&mut self, u: U) {
        for w in &mut self.words {
            *w = u.arbitrary().unwrap_or(0x3FF0_0000_0000_0000);
        }
    }

    fn ptr(&mut self) -> *mut c_void {
        // SAFETY: `shift < 8` and the vector holds one word more than the
        // bytes asked for, so the shifted pointer stays inside it.
        unsafe { self.words.as_mut_ptr().cast::<u8>().add(self.shift).cast() }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the words are initialized; u8 has no invalid values.
        let all = unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.words.len() * 8) };
        &all[self.shift..]
    }

    fn untouched(&self) -> bool {
        self.words.iter().all(|w| *w == u64::from_ne_bytes([SENTINEL; 8]))
    }
}

/// Checks a status: known, not a panic, and on failure a message that
/// starts with the status's name (and the copy of it agrees).
fn check(status: patch_status) -> bool {
    assert_ne!(status, patch_status::Panic, "a call panicked");
    let name = patch_status_str(status as u32);
    assert!(!name.is_null());
    if status == patch_status::Ok {
        return true;
    }
    // SAFETY: both functions return NUL-terminated static or thread-local strings.
    let (name, message) = unsafe { (CStr::from_ptr(name), CStr::from_ptr(patch_last_error_message())) };
    let (name, message) = (name.to_str().unwrap(), message.to_str().unwrap());
    assert!(message.starts_with(name), "{message:?} does not start with {name:?}");
    let mut needed = 0usize;
    assert_eq!(patch_last_error_copy(null_mut(), 0, &mut needed), patch_status::Ok);
    assert_eq!(needed, message.len() + 1);
    false
}

/// An array getter's two-call rule: the length first, then a buffer of a
/// fuzzed length (too short: `BUFFER_SIZE`, nothing written).
fn array_getter<T: Copy + Default + PartialEq + std::fmt::Debug>(
    u: U,
    get: impl Fn(*mut T, usize, *mut usize) -> patch_status,
) {
    let mut needed = usize::MAX;
    if !check(get(null_mut(), 0, &mut needed)) {
        assert_eq!(needed, usize::MAX);
        return;
    }
    let len = match u.int_in_range(0..=3u8).unwrap_or(0) {
        0 => needed.saturating_sub(1),
        1 => needed + 1,
        _ => needed,
    };
    let mut buf = vec![T::default(); len];
    let out_len: *mut usize = if u.arbitrary().unwrap_or(false) { null_mut() } else { &mut needed };
    let ok = check(get(buf.as_mut_ptr(), len, out_len));
    assert_eq!(ok, len >= needed, "buffer of {len} for {needed} entries");
    if !ok {
        assert!(buf.iter().all(|v| *v == T::default()));
    }
}

fn getters(u: U, view: *const patch_view) {
    let mut n = 0usize;
    let mut b = false;
    let mut d = 0u32;
    for get in [
        patch_view_ndim,
        patch_view_offset,
        patch_view_byte_offset,
        patch_view_itemsize,
        patch_view_num_patches,
        patch_view_patch_len,
        patch_view_span_bytes,
        patch_view_copy_bytes,
        patch_view_input_len,
        patch_view_fold_bytes,
    ] {
        assert!(check(get(view, &mut n)));
        assert_eq!(get(view, null_mut()), patch_status::NullPointer);
    }
    assert!(check(patch_view_dtype(view, &mut d)));
    assert!(check(patch_view_is_view(view, &mut b)));
    let _ = check(patch_view_check_writable(view));
    let _ = check(patch_view_check_buffer(view, num(u, 4096)));
    array_getter::<usize>(u, |p, l, o| patch_view_shape(view, p, l, o));
    array_getter::<usize>(u, |p, l, o| patch_view_grid(view, p, l, o));
    array_getter::<isize>(u, |p, l, o| patch_view_strides(view, p, l, o));
    array_getter::<isize>(u, |p, l, o| patch_view_element_strides(view, p, l, o));
    array_getter::<std::ffi::c_char>(u, |p, l, o| patch_view_plan_json(view, p, l, o));
    let mut patches = 0usize;
    assert!(check(patch_view_num_patches(view, &mut patches)));
    for k in [0, patches.wrapping_sub(1), patches, num(u, 64)] {
        array_getter::<isize>(u, |p, l, o| patch_view_patch_origin(view, k, p, l, o));
        let _ = check(patch_view_patch_byte_offset(view, k, &mut n));
        let ok = check(patch_view_touches_padding(view, k, &mut b));
        assert_eq!(ok, k < patches);
    }
}

fn extract(u: U, view: *mut patch_view) {
    // SAFETY: a live view made by patch_view_create.
    let plan = unsafe { &*view }.plan();
    let itemsize = plan.layout().itemsize();
    let (mut copy_bytes, mut span) = (0usize, 0usize);
    assert!(check(patch_view_copy_bytes(view, &mut copy_bytes)));
    assert!(check(patch_view_span_bytes(view, &mut span)));
    // The smallest source that holds every element the layout reaches.
    let layout = plan.layout();
    let reach = layout.offset().saturating_add(span / itemsize.max(1)).saturating_mul(itemsize);
    let src_bytes = len_near(u, reach);
    let dst_bytes = len_near(u, copy_bytes);
    let mut src = Buffer::new(u, src_bytes);
    src.fill(u);
    let mut dst = Buffer::new(u, dst_bytes);
    let fill_word: u64 = u.arbitrary().unwrap_or(0);
    let fill_bytes = *u.choose(&[0, itemsize, itemsize, 1, 3]).unwrap_or(&0);
    let opts = patch_extract_options {
        order: enum_num(u, 2),
        fill: if fill_bytes == 0 && u.arbitrary().unwrap_or(true) { null() } else { (&raw const fill_word).cast() },
        fill_bytes: fill_bytes.min(8),
    };
    let opts_ptr = if u.ratio(1, 4).unwrap_or(false) { null() } else { &raw const opts };
    let aliased = u.ratio(1, 16).unwrap_or(false);
    let dst_ptr = if aliased { src.ptr() } else { dst.ptr() };
    let status = patch_extract_into(view, src.ptr(), src_bytes, dst_ptr, dst_bytes, opts_ptr);
    if aliased {
        assert!(src_bytes == 0 || dst_bytes == 0 || status != patch_status::Ok);
        let _ = check(status);
        return;
    }
    if !check(status) {
        assert!(dst.untouched(), "dst written on failure");
        return;
    }
    // The same copy by patch-core.
    let order = if opts_ptr.is_null() || opts.order == 0 { PatchOrder::PatchMajor } else { PatchOrder::FeatureMajor };
    let fill = if opts_ptr.is_null() || opts.fill_bytes == 0 {
        &[][..]
    } else {
        &fill_word.to_ne_bytes()[..opts.fill_bytes]
    };
    let mut want = vec![0u8; dst_bytes];
    plan.extract_bytes(&src.bytes()[..src_bytes], &mut want, order, fill).unwrap();
    assert_eq!(&dst.bytes()[..dst_bytes], &want[..], "extract_into differs from patch-core");
}

fn fold(u: U, view: *mut patch_view) {
    let (mut copy_bytes, mut fold_bytes) = (0usize, 0usize);
    assert!(check(patch_view_copy_bytes(view, &mut copy_bytes)));
    assert!(check(patch_view_fold_bytes(view, &mut fold_bytes)));
    let patches_bytes = len_near(u, copy_bytes);
    let out_bytes = len_near(u, fold_bytes);
    let mut patches = Buffer::new(u, patches_bytes);
    if u.arbitrary().unwrap_or(false) {
        patches.fill(u);
    } else {
        // Small finite doubles (f64 views) / floats (f32 views: two per word).
        for (i, w) in patches.words.iter_mut().enumerate() {
            *w = (((i % 7) as f64) - 3.0).to_bits();
        }
    }
    let mut out = Buffer::new(u, out_bytes);
    let opts = patch_fold_options {
        order: enum_num(u, 2),
        reduce: enum_num(u, 5),
        sigma_scale: if u.arbitrary().unwrap_or(true) { PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT } else { u.arbitrary().unwrap_or(0.0) },
    };
    let opts_ptr = if u.ratio(1, 4).unwrap_or(false) { null() } else { &raw const opts };
    let status = patch_fold_into(view, patches.ptr(), patches_bytes, out.ptr(), out_bytes, opts_ptr);
    if !check(status) {
        assert!(out.untouched(), "out written on failure");
    }
}

fn signals(u: U) {
    let (signal_len, frame_len, hop) = (num(u, 200), num(u, 40), num(u, 40));
    let pad_end: bool = u.arbitrary().unwrap_or(false);
    let (mut frames, mut pad) = (usize::MAX, usize::MAX);
    let pad_ptr: *mut usize = if u.arbitrary().unwrap_or(false) { null_mut() } else { &mut pad };
    let counted = check(patch_frame_count(signal_len, frame_len, hop, pad_end, &mut frames, pad_ptr));
    if !counted {
        assert_eq!((frames, pad), (usize::MAX, usize::MAX));
    }
    assert_eq!(patch_frame_count(1, 1, 1, false, null_mut(), null_mut()), patch_status::NullPointer);

    // frame_into: a signal of `signal_len` elements of a fuzzed dtype.
    let dtype = enum_num(u, 11);
    let item = match dtype {
        1 | 2 => 1,
        3 | 4 => 2,
        5 | 6 | 9 => 4,
        _ => 8,
    };
    let signal_bytes = len_near(u, signal_len.saturating_mul(item));
    let want_out = if counted { frames.saturating_mul(frame_len).saturating_mul(item) } else { 0 };
    let out_bytes = len_near(u, want_out);
    let mut signal = Buffer::new(u, signal_bytes);
    signal.fill(u);
    let mut out = Buffer::new(u, out_bytes);
    let fill_word: u64 = u.arbitrary().unwrap_or(0);
    let opts = patch_frame_options {
        pad_end,
        fill: (&raw const fill_word).cast(),
        fill_bytes: *u.choose(&[0, item, 2]).unwrap_or(&0),
    };
    let opts_ptr = if u.ratio(1, 4).unwrap_or(false) { null() } else { &raw const opts };
    let status = patch_frame_into(dtype, signal.ptr(), signal_bytes, out.ptr(), out_bytes, frame_len, hop, opts_ptr);
    if !check(status) {
        assert!(out.untouched(), "frame out written on failure");
    }

    // overlap_add_into: frames of fuzzed bytes back together.
    let dtype = *u.choose(&[9u32, 10, 9, 10, 8, 0]).unwrap_or(&10);
    let frames_bytes = num(u, 2048).min(MAX_BYTES);
    let mut input = Buffer::new(u, frames_bytes);
    if u.arbitrary().unwrap_or(false) {
        input.fill(u);
    }
    let samples = frames_bytes / if dtype == 9 { 4 } else { 8 };
    let len = if frame_len == 0 || samples == 0 {
        0
    } else {
        (samples / frame_len).saturating_sub(1).saturating_mul(hop).saturating_add(frame_len)
    };
    let out_bytes = len_near(u, len.saturating_mul(if dtype == 9 { 4 } else { 8 }));
    let mut out = Buffer::new(u, out_bytes);
    let status = patch_overlap_add_into(dtype, input.ptr(), frames_bytes, out.ptr(), out_bytes, frame_len, hop);
    if !check(status) {
        assert!(out.untouched(), "overlap_add out written on failure");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let u = &mut u;
    let what: u8 = u.arbitrary().unwrap_or(0);
    if what % 8 == 7 {
        signals(u);
        return;
    }
    // The descriptors.
    let ndim = u.int_in_range(0..=5usize).unwrap_or(0);
    let shape: Vec<usize> = (0..ndim).map(|_| num(u, 7)).collect();
    let strides: Vec<isize> = (0..ndim).map(|_| inum(u, 40)).collect();
    let layout = patch_layout {
        shape: if ndim == 0 && u.arbitrary().unwrap_or(false) { null() } else { shape.as_ptr() },
        strides: match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => null(),
            _ => strides.as_ptr(),
        },
        ndim,
        offset: num(u, 50),
        dtype: enum_num(u, 11),
    };
    let naxes = if u.ratio(15, 16).unwrap_or(true) { ndim } else { u.int_in_range(0..=ndim + 1).unwrap_or(0) };
    let explicit_conv = u.int_in_range(0..=3u32).unwrap_or(0);
    let axes: Vec<patch_axis> = (0..naxes)
        .map(|_| {
            let role = enum_num(u, 3);
            let window = role == 0 || u.ratio(1, 16).unwrap_or(false);
            let padded = (explicit_conv == 2 && role == 0) || u.ratio(1, 16).unwrap_or(false);
            patch_axis {
                role,
                size: if window { num(u, 5) } else { 0 },
                step: if window { num(u, 4) } else { 0 },
                dilation: if window { num(u, 3) } else { 0 },
                pad_lo: if padded { num(u, 4) } else { 0 },
                pad_hi: if padded { num(u, 4) } else { 0 },
            }
        })
        .collect();
    let padding = patch_padding {
        convention: if u.ratio(15, 16).unwrap_or(true) { explicit_conv } else { u.arbitrary().unwrap_or(0) },
        mode: enum_num(u, 5),
    };
    let padding_ptr = if u.ratio(1, 4).unwrap_or(false) { null() } else { &raw const padding };
    let axes_ptr = if naxes == 0 && u.arbitrary().unwrap_or(false) { null() } else { axes.as_ptr() };
    let layout_ptr = if u.ratio(1, 64).unwrap_or(false) { null() } else { &raw const layout };

    let mut view: *mut patch_view = null_mut();
    let status = patch_view_create(layout_ptr, axes_ptr, naxes, padding_ptr, &mut view);
    let ok = check(status);
    assert_eq!(patch_view_create(layout_ptr, axes_ptr, naxes, padding_ptr, null_mut()), patch_status::NullPointer);
    if !ok {
        assert!(view.is_null(), "out_view written on failure");
        // A NULL view everywhere is a status, never a crash.
        let mut n = 0usize;
        assert_eq!(patch_view_ndim(null(), &mut n), patch_status::NullPointer);
        assert_eq!(patch_extract_into(null(), null(), 0, null_mut(), 0, null()), patch_status::NullPointer);
        patch_view_free(null_mut());
        return;
    }
    assert!(!view.is_null());
    getters(u, view);
    for _ in 0..u.int_in_range(1..=3u8).unwrap_or(1) {
        if u.arbitrary().unwrap_or(true) {
            extract(u, view);
        } else {
            fold(u, view);
        }
    }
    patch_view_free(view);
});
