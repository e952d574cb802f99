//! The library's threads: how many copies and folds may use, and the pool
//! they run on.
//!
//! With the `parallel` feature, copies and folds of 1 MiB or more are split
//! into parts run by the calling thread and the workers of a pool that the
//! library starts on first use, owns and joins (`threads/pool.rs`; no
//! global pool of another crate is used). The pool persists between calls
//! (starting threads per call costs more than a 1 MiB copy) and has
//! [`num_threads`]` - 1` workers: changing the setting replaces it. Its
//! lifecycle:
//!
//! - [`shutdown_threads`] joins every worker; the next parallel call starts
//!   a new pool. Call it before the process exits to leave leak checkers
//!   such as valgrind with nothing to report, and before `fork()` to give
//!   the child nothing of the workers (the C library does both by itself).
//! - After `fork()`, the child has none of the parent's workers. A call in
//!   the child sees that the process id changed, leaves the parent's pool
//!   untouched (kept, unused and reachable, never joined nor freed) and
//!   starts a pool of its own. If the child was forked while another thread
//!   of the parent held the pool's lock, the child's calls run on the
//!   calling thread instead of waiting for a lock no thread will release.
//! - If threads cannot be started (a thread limit, for example), the pool
//!   has fewer workers or none, and a call that finds the pool busy with
//!   another call runs on its own thread; results never depend on the
//!   threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// 0 means "every core"; any other value is the thread count.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads copies and folds may use: `1` for single-thread
/// work, `0` (the default) for every available core. Takes effect for calls
/// that start afterwards: the calling thread and `n - 1` workers of the
/// library's pool, rebuilt with the new count by the next call of 1 MiB or
/// more. Without the `parallel` feature everything runs on the calling
/// thread whatever the setting.
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

/// Stops the library's worker threads and waits for them to exit.
///
/// The next copy or fold large enough to be split starts a new pool, so this
/// is safe to call at any time, from any thread, any number of times; the
/// results of later calls are unchanged. Call it before the process exits
/// when a leak checker should find every thread joined (valgrind reports a
/// thread that is still running as "possibly lost" memory), or to give the
/// threads back while the library is idle. Called before `fork()`, it
/// leaves the child nothing of the workers (a child forked with the pool
/// running works too, on a pool of its own, but a leak checker in the child
/// then sees the memory of the parent's workers as lost). The C library
/// (`patch-ffi`) calls it by itself at exit, when it is unloaded and before
/// `fork()`.
///
/// If another thread is inside a parallel copy at that moment, the workers
/// finish that copy and are joined when it returns. In a process forked
/// from one that used the pool, the parent's workers do not exist and are
/// never joined; the child's own pool, if it started one, is. Without the
/// `parallel` feature there are no threads and this does nothing.
///
/// ```
/// use patch_core::{Layout, PatchOrder, PatchSpec, Plan};
///
/// let layout = Layout::of::<f32>(&[1024, 1024]).unwrap();
/// let plan = Plan::valid(&layout, &PatchSpec::tiles(&[16, 16])).unwrap();
/// let x = vec![1.0f32; 1024 * 1024];
/// let before = plan.extract(&x, PatchOrder::PatchMajor).unwrap();
/// patch_core::shutdown_threads(); // every worker joined
/// let after = plan.extract(&x, PatchOrder::PatchMajor).unwrap(); // a new pool
/// assert_eq!(before, after);
/// ```
pub fn shutdown_threads() {
    #[cfg(feature = "parallel")]
    process_pool::shutdown();
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
/// of the axis a part holds). With more than one part they run on the
/// library's pool, without locks on the data; the first error is returned.
/// When the pool is busy with another call (or cannot be had), everything
/// runs on the calling thread: a call never waits for another one.
pub(crate) fn in_parts<T: Send, E: Send>(
    dst: &mut [T],
    n: usize,
    per: usize,
    parts: usize,
    f: impl Fn(&mut [T], std::ops::Range<usize>) -> Result<(), E> + Sync,
) -> Result<(), E> {
    #[cfg(feature = "parallel")]
    if parts > 1
        && per > 0
        && let Some(pool) = process_pool::get(num_threads())
    {
        use std::sync::{Mutex, PoisonError};
        let chunk = n.div_ceil(parts.min(pool.threads()));
        // Each part of `dst` in a slot its task takes it from.
        let slots: Vec<Mutex<Option<&mut [T]>>> = dst
            .chunks_mut(chunk * per)
            .map(|part| Mutex::new(Some(part)))
            .collect();
        let first_error = Mutex::new(None);
        let task = |i: usize| {
            let part = slots
                .get(i)
                .and_then(|slot| slot.lock().unwrap_or_else(PoisonError::into_inner).take());
            if let Some(part) = part
                && let Err(e) = f(part, i * chunk..((i + 1) * chunk).min(n))
            {
                first_error
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert(e);
            }
        };
        if pool.run(slots.len(), &task) {
            return match first_error.into_inner() {
                Ok(None) | Err(_) => Ok(()),
                Ok(Some(e)) => Err(e),
            };
        }
    }
    let _ = (per, parts);
    f(dst, 0..n)
}

#[cfg(feature = "parallel")]
mod pool;

/// The process's pool: started on first use, replaced when the thread
/// count changes, dropped (its workers joined) by [`shutdown_threads`], and
/// recognised as a parent's after `fork()` by the process id it was
/// started in.
#[cfg(feature = "parallel")]
mod process_pool {
    use super::pool::Pool;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

    struct Slot {
        /// The pool of this process, shared by concurrent calls.
        current: Option<Arc<Pool>>,
        /// The thread count `current` was started for.
        threads: usize,
        /// Pools inherited over `fork()`: never used, joined nor freed, only
        /// kept reachable (a leak checker in the child sees them as memory
        /// still in use, not lost).
        inherited: Vec<Arc<Pool>>,
    }

    static SLOT: Mutex<Slot> = Mutex::new(Slot {
        current: None,
        threads: 0,
        inherited: Vec::new(),
    });

    /// The process that last held `SLOT`'s lock. In any other process (a
    /// forked child, or before the first call) the lock may have been held
    /// at a fork by a thread that does not exist here, so it is only tried,
    /// never waited for: a call that cannot have it runs on its own thread.
    static OWNER: AtomicU32 = AtomicU32::new(0);

    /// The slot, locked, with any pool of another process moved to
    /// `inherited`; `None` when the lock cannot be had without waiting in a
    /// process that has not held it yet.
    fn lock(pid: u32) -> Option<MutexGuard<'static, Slot>> {
        let mut slot = if OWNER.load(Ordering::Acquire) == pid {
            SLOT.lock().unwrap_or_else(PoisonError::into_inner)
        } else {
            match SLOT.try_lock() {
                Ok(slot) => slot,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => return None,
            }
        };
        OWNER.store(pid, Ordering::Release);
        if slot.current.as_ref().is_some_and(|p| p.pid() != pid) {
            let parents = slot.current.take();
            slot.inherited.extend(parents);
        }
        Some(slot)
    }

    /// The pool for `threads` threads (the caller and `threads - 1`
    /// workers), started or replaced as needed; `None` to run on the
    /// calling thread.
    pub(super) fn get(threads: usize) -> Option<Arc<Pool>> {
        let pid = std::process::id();
        let mut slot = lock(pid)?;
        if let Some(pool) = &slot.current
            && slot.threads == threads
        {
            return Some(Arc::clone(pool));
        }
        let replaced = slot.current.take();
        let pool = Arc::new(Pool::start(threads.saturating_sub(1), pid));
        slot.current = Some(Arc::clone(&pool));
        slot.threads = threads;
        drop(slot);
        // Joined here, or by the last call still using it.
        drop(replaced);
        Some(pool)
    }

    pub(super) fn shutdown() {
        let Some(mut slot) = lock(std::process::id()) else {
            return;
        };
        let pool = slot.current.take();
        drop(slot);
        // Joined here, or by the last call still using it.
        drop(pool);
    }
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::*;

    /// `in_parts` over the process's pool: every part once, the right
    /// ranges, the first error returned, and the same after a shutdown.
    /// (The only unit test that starts the process's pool; it joins it at
    /// the end, as Miri wants every thread joined.)
    #[test]
    fn parts_cover_the_output_once_and_errors_come_back() {
        set_num_threads(3);
        for _ in 0..2 {
            let mut dst = vec![0usize; 10 * 4];
            let ok = in_parts(&mut dst, 10, 4, 3, |part, range| {
                assert_eq!(part.len(), range.len() * 4);
                for (k, v) in part.iter_mut().enumerate() {
                    *v = range.start * 4 + k + 1;
                }
                Ok::<(), usize>(())
            });
            assert_eq!(ok, Ok(()));
            assert_eq!(dst, (1..=40).collect::<Vec<_>>());
            let err = in_parts(&mut dst, 10, 4, 3, |_, range| {
                if range.start == 0 {
                    Ok(())
                } else {
                    Err(range.start)
                }
            });
            assert!(matches!(err, Err(4 | 8)), "{err:?}");
            shutdown_threads();
        }
        set_num_threads(0);
    }
}
