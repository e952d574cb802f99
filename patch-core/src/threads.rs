//! How many threads the copying paths may use.

use std::sync::atomic::{AtomicUsize, Ordering};

/// 0 means "every core"; any other value is the thread count.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads copies and folds may use: `1` for single-thread
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

/// Copies and folds smaller than this stay on the calling thread:
/// splitting them costs more than it saves.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// How many parts to split work of `bytes` along an axis of `n` indices.
pub(crate) fn parallel_parts(n: usize, bytes: usize) -> usize {
    if cfg!(feature = "parallel") && bytes >= PARALLEL_MIN_BYTES {
        num_threads().min(n).max(1)
    } else {
        1
    }
}

/// Runs `f(part, indices)` over `dst` cut along an axis of `n` indices of
/// `per` elements each into `parts` disjoint parts (`indices` is the range
/// of the axis a part holds). With more than one part they run on rayon's
/// threads, without locks; the first error is returned.
pub(crate) fn in_parts<T: Send, E: Send>(
    dst: &mut [T],
    n: usize,
    per: usize,
    parts: usize,
    f: impl Fn(&mut [T], std::ops::Range<usize>) -> Result<(), E> + Sync,
) -> Result<(), E> {
    #[cfg(feature = "parallel")]
    if parts > 1 && per > 0 {
        use rayon::prelude::*;
        let chunk = n.div_ceil(parts);
        return dst
            .par_chunks_mut(chunk * per)
            .enumerate()
            .try_for_each(|(i, part)| {
                let first = i * chunk;
                f(part, first..(first + chunk).min(n))
            });
    }
    let _ = (per, parts);
    f(dst, 0..n)
}
