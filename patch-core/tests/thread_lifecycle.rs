//! The library's pool over its lifecycle: started by the first copy that
//! is split, joined by `shutdown_threads`, started again by the next one,
//! replaced when the thread count changes, with equal results throughout.
//!
//! One test in its own binary, so that no other test's threads come and go
//! while it counts the process's threads (`/proc/self/task`, on Linux).

#![cfg(feature = "parallel")]

use patch_core::{
    Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce, set_num_threads,
    shutdown_threads,
};

/// The number of threads of this process, where the system says.
fn threads_now() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

/// The number of threads once it reaches `want`, or what it is after a
/// second. A joined thread has finished, but the kernel removes it from
/// `/proc/self/task` a moment after the join returns (the join waits for
/// the thread's exit, not for its reaping), so a count right after a
/// shutdown can still see it on a busy machine.
fn threads_settle_to(want: Option<usize>) -> Option<usize> {
    let start = std::time::Instant::now();
    loop {
        let now = threads_now();
        if now == want || start.elapsed() > std::time::Duration::from_secs(1) {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[test]
fn shutdown_joins_the_workers_and_the_next_call_starts_new_ones() {
    // A 4 MiB padded copy (split by rows) and a 20 MB overlap-add fold
    // (split into slabs): both over the 1 MiB threshold.
    let layout = Layout::of::<f32>(&[1024, 1024]).unwrap();
    let spec = PatchSpec::sliding(&[16, 16], &[16, 16]).unwrap();
    let copy_plan = Plan::new(&layout, &spec, &Padding::same(PadMode::Reflect)).unwrap();
    let x: Vec<f32> = (0..1024 * 1024).map(|i| (i % 1009) as f32).collect();
    let frames = Layout::of::<f32>(&[2_000_000]).unwrap();
    let fold_plan = Plan::valid(&frames, &PatchSpec::frames(400, 160)).unwrap();
    let patches: Vec<f32> = (0..fold_plan.copy_len())
        .map(|i| (i % 613) as f32 * 0.25)
        .collect();
    let run = || {
        (
            copy_plan.extract(&x, PatchOrder::PatchMajor).unwrap(),
            fold_plan
                .fold(&patches, PatchOrder::PatchMajor, &Reduce::Mean)
                .unwrap(),
        )
    };

    set_num_threads(1);
    let one = run();
    let idle = threads_now();

    set_num_threads(2);
    assert!(run() == one, "2 threads");
    let with_pool = threads_now();
    if let (Some(idle), Some(with_pool)) = (idle, with_pool) {
        // Two threads: the caller and one worker.
        assert_eq!(with_pool, idle + 1, "the pool has 1 worker");
    }

    shutdown_threads();
    assert_eq!(threads_settle_to(idle), idle, "every worker joined");
    shutdown_threads(); // twice is harmless
    assert_eq!(threads_now(), idle);

    assert!(run() == one, "2 threads after a shutdown");
    assert_eq!(threads_now(), with_pool, "a new pool of 1 worker");

    set_num_threads(3);
    assert!(run() == one, "3 threads");
    if let Some(idle) = idle {
        assert_eq!(
            threads_settle_to(Some(idle + 2)),
            Some(idle + 2),
            "the pool replaced by one of 2 workers"
        );
    }

    shutdown_threads();
    assert_eq!(threads_settle_to(idle), idle, "every worker joined");
    set_num_threads(0);
}
