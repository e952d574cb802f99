//! How many threads the copying paths may use.

use std::sync::atomic::{AtomicUsize, Ordering};

/// 0 means "every core"; any other value is the thread count.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads materialize and fold may use: `1` for single-thread
/// work, `0` (the default) for every available core. Takes effect for calls
/// that start afterwards; without the `parallel` feature everything runs on
/// the calling thread whatever the setting.
///
/// ```
/// patch_core::set_num_threads(1);
/// assert_eq!(patch_core::num_threads(), 1);
/// patch_core::set_num_threads(0);
/// ```
pub fn set_num_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// The number of threads copies will use (at least 1).
pub fn num_threads() -> usize {
    if !cfg!(feature = "parallel") {
        return 1;
    }
    match THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}
