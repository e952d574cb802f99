//! After `fork()`, a child makes the same threaded copies and folds as its
//! parent, on a pool of its own: it sees that the process id changed and
//! never touches the parent's pool, whose worker does not exist in the
//! child. (Rust programs have no fork hook: the child inherits the pool
//! object, and this is the path that handles it. The C library also joins
//! its pool before a fork; patch-ffi/tests/c/test_threads.c tests that.)
//!
//! The parent waits for the child with a deadline, so a hang fails the
//! test instead of blocking it. One test in its own binary: it forks.

#![cfg(all(unix, feature = "parallel"))]

use std::time::{Duration, Instant};

use patch_core::{Layout, PatchOrder, PatchSpec, Plan, Reduce, set_num_threads};

/// A 4 MiB tile copy and a fold of 16.5 MB of overlapping windows, both
/// split over the threads.
fn copy_and_fold() -> impl PartialEq {
    let layout = Layout::of::<f32>(&[1024, 1024]).unwrap();
    let x: Vec<f32> = (0..1024 * 1024).map(|i| (i % 1009) as f32).collect();
    let tiles = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16])).unwrap();
    let windows = Plan::valid(&layout, &PatchSpec::sliding(&[16, 16], &[8, 8]).unwrap()).unwrap();
    let patches = windows.extract(&x, PatchOrder::PatchMajor).unwrap();
    let folded = windows
        .fold(patches.data(), PatchOrder::PatchMajor, &Reduce::Mean)
        .unwrap();
    (tiles.extract(&x, PatchOrder::PatchMajor).unwrap(), folded)
}

#[test]
fn a_forked_child_copies_and_folds_on_a_pool_of_its_own() {
    set_num_threads(1);
    let want = copy_and_fold();
    set_num_threads(2);
    assert!(copy_and_fold() == want, "the parent on 2 threads");
    // The parent's pool is running now.

    // SAFETY: the child runs only the library's code and leaves by `_exit`,
    // without returning into the test harness (whose other threads do not
    // exist in the child).
    let child = unsafe { libc::fork() };
    assert!(child >= 0, "fork failed");
    if child == 0 {
        let ok = std::panic::catch_unwind(|| {
            // Twice: the second call uses the child's own pool.
            copy_and_fold() == want && copy_and_fold() == want
        });
        let code = if matches!(ok, Ok(true)) { 0 } else { 1 };
        // SAFETY: ends the child at once, running no exit handlers of the
        // parent's harness.
        unsafe { libc::_exit(code) };
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    let mut status = 0;
    loop {
        // SAFETY: waits for our own child; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(child, &mut status, libc::WNOHANG) };
        if r == child {
            break;
        }
        assert!(r == 0, "waitpid failed");
        if Instant::now() > deadline {
            // SAFETY: kills and reaps our own child.
            unsafe {
                libc::kill(child, libc::SIGKILL);
                libc::waitpid(child, &mut status, 0);
            }
            panic!("the forked child hung (killed after 120 s)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child's copies or folds were wrong (status {status})"
    );
    // The parent's pool still works.
    assert!(copy_and_fold() == want, "the parent after the fork");
    patch_core::shutdown_threads();
}
