//! Out of memory is an `Allocation` error, never an abort, and nothing is
//! written to an output before everything is allocated.
//!
//! This binary's global allocator fails every allocation larger than a
//! limit each test sets (a process-wide setting, so the tests take a lock
//! and run one at a time). Without fallible allocation these tests abort
//! the process instead of failing an assertion.

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use patch_core::{
    AxisRole, ErrorKind, Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn,
    c_strides,
};

/// The system allocator, failing allocations of more than `LIMIT` bytes.
struct Limited;

static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

// SAFETY: every call is forwarded to the system allocator unchanged, or
// answered with null (allocation failure), which `GlobalAlloc` allows.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        if layout.size() > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract for `alloc`, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        if new_size > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract for `realloc`, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Limited = Limited;

static SERIAL: Mutex<()> = Mutex::new(());

/// Every test holds this for its whole run: the limit is process-wide, so
/// no other test may allocate while one is set. Copies run on one thread.
fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    patch_core::set_num_threads(1);
    guard
}

/// Runs `f` with allocations above `limit` bytes failing.
fn with_limit<R>(limit: usize, f: impl FnOnce() -> R) -> R {
    LIMIT.store(limit, Ordering::Relaxed);
    let r = f();
    LIMIT.store(usize::MAX, Ordering::Relaxed);
    r
}

const MIB: usize = 1 << 20;

/// A MEAN and a HANN fold over f32 `[1<<20]`, window 8 step 4, need a count
/// (4 MiB) or two f64 sums (16 MiB) per element: with 1 MiB allowed they
/// fail with `Allocation` and leave `out` as it was (they zeroed it first).
#[test]
fn folds_that_cannot_allocate_write_nothing() {
    let _serial = serial();
    let n = 1 << 20;
    let layout = Layout::of::<f32>(&[n]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::sliding(&[8], &[4]).unwrap()).unwrap();
    let patches = vec![1.0f32; plan.copy_len()];
    let mut out = vec![7.0f32; n];
    for reduce in [Reduce::Mean, Reduce::Weighted(WindowFn::Hann)] {
        let e = with_limit(MIB, || {
            plan.fold_into(&patches, &mut out, PatchOrder::PatchMajor, &reduce)
        })
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Allocation, "{reduce:?}: {e}");
        assert!(out.iter().all(|&v| v == 7.0), "{reduce:?} wrote into out");
    }
    // With room, the same folds work.
    plan.fold_into(&patches, &mut out, PatchOrder::PatchMajor, &Reduce::Mean)
        .unwrap();
    assert!(out.iter().all(|&v| v == 1.0));
}

/// A SUM fold of tiles that cover their axis needs no memory of its own
/// (it used to allocate a flag per element to find that out).
#[test]
fn a_fold_of_tiles_allocates_nothing_per_element() {
    let _serial = serial();
    let n = 1 << 24;
    let layout = Layout::of::<f32>(&[n]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[4])).unwrap();
    let patches = vec![2.0f32; n];
    let mut out = vec![0.0f32; n];
    with_limit(MIB, || {
        plan.fold_into(&patches, &mut out, PatchOrder::PatchMajor, &Reduce::Sum)
    })
    .unwrap();
    assert!(out.iter().all(|&v| v == 2.0));
}

/// 200,000 axes: every per-axis list the plan, its summary and its copies
/// make is fallible.
#[test]
fn plans_of_200000_axes_fail_to_allocate_cleanly() {
    let _serial = serial();
    let n = 200_000;
    let shape = vec![1usize; n];
    let strides = vec![1isize; n];
    let spec = PatchSpec::new(vec![AxisRole::Batch; n]);
    // The shape and strides lists of a layout (1.6 MB each), C strides.
    for limit in [MIB, 64 * 1024] {
        let e = with_limit(limit, || Layout::new(&shape, &strides, 0, 4)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
        let e = with_limit(limit, || c_strides(&shape)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
    }
    let layout = Layout::new(&shape, &strides, 0, 4).unwrap();
    // The plan's axes (48 bytes each), shape, strides.
    let e = with_limit(MIB, || Plan::valid(&layout, &spec)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
    let plan = Plan::valid(&layout, &spec).unwrap();
    // Its summary copies every list.
    let e = with_limit(MIB, || plan.summary()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
    assert!(plan.summary().is_ok());
    // A copy merges the view's axes into a list first; nothing is written.
    let src = [5.0f32];
    let mut dst = [9.0f32];
    let e = with_limit(MIB, || {
        plan.extract_into(&src, &mut dst, PatchOrder::PatchMajor)
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
    assert_eq!(dst, [9.0]);
    plan.extract_into(&src, &mut dst, PatchOrder::FeatureMajor)
        .unwrap();
    assert_eq!(dst, [5.0]);
    // A padded plan of as many axes is walked row by row: the walker keeps
    // only the axes longer than 1, so it needs no per-axis memory at all.
    let mut roles = vec![AxisRole::Batch; n];
    roles[0] = AxisRole::window(3, 1, 1);
    let padded = Plan::new(
        &layout,
        &PatchSpec::new(roles),
        &Padding::explicit(&[(1, 1)], PadMode::Constant),
    )
    .unwrap();
    let mut dst = [9.0f32; 3];
    with_limit(4096, || {
        padded.extract_into(&src, &mut dst, PatchOrder::PatchMajor)
    })
    .unwrap();
    assert_eq!(dst, [0.0, 5.0, 0.0]);
}

/// An allocating copy whose result does not fit is an `Allocation` error.
#[test]
fn extract_of_a_result_that_does_not_fit_is_an_allocation_error() {
    let _serial = serial();
    let layout = Layout::of::<u8>(&[1024, 1024]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16])).unwrap();
    let src = vec![3u8; 1024 * 1024];
    let e = with_limit(MIB / 2, || plan.extract(&src, PatchOrder::PatchMajor)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Allocation, "{e}");
    assert_eq!(
        e.to_string(),
        "allocation: cannot allocate 1048576 elements of 1 bytes"
    );
    // A copy into a caller buffer allocates nothing that size.
    let mut dst = vec![0u8; plan.copy_len()];
    with_limit(4096, || {
        plan.extract_into(&src, &mut dst, PatchOrder::PatchMajor)
    })
    .unwrap();
    assert!(dst.iter().all(|&v| v == 3));
}
