//! A pool of worker threads that the library starts, owns and joins.
//!
//! A call hands the pool a task, `task(part)` for `part` in `0..parts`; the
//! calling thread and the workers take parts one at a time until none is
//! left, and the call returns once every taken part has finished. The task
//! borrows the caller's data (the source, the parts of the destination):
//! that is what needs the one `unsafe` below, the same promise
//! `std::thread::scope` makes, kept by waiting.
//!
//! Why not rayon's `ThreadPool`: with its threads joined, crossbeam-epoch
//! (under rayon's deques) still leaves some of its per-thread records
//! reachable only through tagged pointers, so valgrind reports them as
//! "possibly lost" at exit (crossbeam issue 285), which is the very report
//! this pool exists to avoid. Creating threads per call
//! (`std::thread::scope`) costs 25-30 us per thread here, more than a
//! 1 MiB copy takes; this pool keeps its threads between calls.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a worker stays awake after its last part, and the caller waits
/// awake for the workers' parts, before sleeping: calls often come back to
/// back, and waking a sleeping thread (tens of microseconds on a virtual
/// machine) costs about as much as half of a 1 MiB copy.
const SPIN: Duration = Duration::from_micros(100);

/// The work of one call: run part `i`.
pub(crate) type Task<'a> = dyn Fn(usize) + Sync + 'a;

/// The call the pool is working on.
struct Job {
    /// Valid until the call that set it takes the job back (see `run`).
    task: &'static Task<'static>,
    parts: usize,
    /// The first part nobody has taken.
    next: usize,
    /// Parts taken and not finished.
    running: usize,
    /// The first panic of a part, resumed on the calling thread.
    panic: Option<Box<dyn Any + Send>>,
}

struct State {
    job: Option<Job>,
    exit: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Workers wait here for a job (or the order to exit).
    work: Condvar,
    /// The caller waits here for the last running part.
    done: Condvar,
    /// Jobs posted so far; spinning workers watch it (a hint: the job itself
    /// is read under the lock).
    posted: AtomicUsize,
    /// Parts of the current job not finished yet; the spinning caller
    /// watches it (a hint too).
    unfinished: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No code panics while holding the lock (parts run without it).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes and runs parts of the current job until none is left to take;
    /// returns with the lock held again.
    fn run_parts<'a>(&'a self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        loop {
            let Some(job) = state.job.as_mut().filter(|job| job.next < job.parts) else {
                return state;
            };
            let (task, part) = (job.task, job.next);
            job.next += 1;
            job.running += 1;
            drop(state);
            let result = panic::catch_unwind(AssertUnwindSafe(|| task(part)));
            self.unfinished.fetch_sub(1, Ordering::Release);
            state = self.lock();
            if let Some(job) = state.job.as_mut() {
                job.running -= 1;
                if let Err(payload) = result {
                    job.panic.get_or_insert(payload);
                }
                if job.running == 0 && job.next == job.parts {
                    self.done.notify_all();
                }
            }
        }
    }
}

/// The pool: `workers` threads plus the calling thread.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    /// The process the workers run in (`std::process::id`).
    pid: u32,
}

impl Pool {
    /// Starts up to `workers` threads: fewer when the system refuses more
    /// (the pool then works with the ones it has, or none).
    pub(crate) fn start(workers: usize, pid: u32) -> Pool {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                job: None,
                exit: false,
            }),
            work: Condvar::new(),
            done: Condvar::new(),
            posted: AtomicUsize::new(0),
            unfinished: AtomicUsize::new(0),
        });
        let mut handles = Vec::new();
        for i in 0..workers {
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("patch-worker-{i}"))
                .spawn(move || work(&shared));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(_) => break,
            }
        }
        Pool {
            shared,
            workers: handles,
            pid,
        }
    }

    /// The threads a call runs on: the workers and the caller.
    pub(crate) fn threads(&self) -> usize {
        self.workers.len() + 1
    }

    /// The process the workers run in.
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    /// Runs `task(i)` for every `i` in `0..parts`, on the calling thread and
    /// the workers, and returns `true` once all have finished (a panic of a
    /// part is resumed here, after every part has finished). Returns
    /// `false`, having run nothing, when another call is using the pool.
    pub(crate) fn run(&self, parts: usize, task: &Task<'_>) -> bool {
        let mut state = self.shared.lock();
        if state.job.is_some() || state.exit {
            return false;
        }
        state.job = Some(Job {
            task: erase(task),
            parts,
            next: 0,
            running: 0,
            panic: None,
        });
        self.shared.unfinished.store(parts, Ordering::Relaxed);
        self.shared.posted.fetch_add(1, Ordering::Release);
        drop(state);
        self.shared.work.notify_all();
        let state = self.shared.run_parts(self.shared.lock());
        // Every part is taken; wait for the ones still running elsewhere,
        // awake for a moment, then asleep.
        drop(state);
        spin_until(|| self.shared.unfinished.load(Ordering::Acquire) == 0);
        let mut state = self.shared.lock();
        while state.job.as_ref().is_some_and(|job| job.running > 0) {
            state = self
                .shared
                .done
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // From here no thread holds `task` any more.
        let job = state.job.take();
        drop(state);
        if let Some(payload) = job.and_then(|job| job.panic) {
            panic::resume_unwind(payload);
        }
        true
    }
}

/// Extends the borrow of `task` to `'static` for `Job`.
///
/// Sound because of how `Pool::run` uses it: the reference is stored in the
/// pool's job and read only under the pool's lock by a thread that then
/// counts itself in `running`, and `run` returns (or unwinds) only after it
/// has seen every part taken and `running == 0` and has removed the job, so
/// no thread can call `task` after `run` returns, while the `'a` borrow
/// still holds. Parts run under `catch_unwind`, so a panicking part cannot
/// skip the wait (the calling thread's own parts included).
#[allow(unsafe_code)]
fn erase<'a>(task: &'a Task<'a>) -> &'static Task<'static> {
    // SAFETY: the same fat reference with a longer lifetime; `Pool::run`
    // keeps every use of it within `'a` (see above).
    unsafe { std::mem::transmute::<&'a Task<'a>, &'static Task<'static>>(task) }
}

/// A worker: runs parts of every job until told to exit.
fn work(shared: &Shared) {
    let mut state = shared.lock();
    loop {
        let seen = shared.posted.load(Ordering::Acquire);
        state = shared.run_parts(state);
        if state.exit {
            return;
        }
        // Awake for a moment in case the next job follows at once.
        drop(state);
        spin_until(|| shared.posted.load(Ordering::Acquire) != seen);
        state = shared.lock();
        let ready = state.exit || state.job.as_ref().is_some_and(|job| job.next < job.parts);
        if !ready {
            state = shared
                .work
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Polls `done` for up to [`SPIN`].
fn spin_until(done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() && start.elapsed() < SPIN {
        for _ in 0..32 {
            std::hint::spin_loop();
        }
    }
}

impl Drop for Pool {
    /// Tells the workers to exit and joins them (none is busy: a call holds
    /// the pool until it returns).
    fn drop(&mut self) {
        if self.pid != std::process::id() {
            // A parent's pool in a forked child: its threads do not exist
            // here and its lock may be held by one of them forever. Touch
            // nothing. (The process-wide slot keeps such pools and never
            // drops them; this guards any that escape.)
            std::mem::forget(std::mem::take(&mut self.workers));
            return;
        }
        self.shared.lock().exit = true;
        self.shared.work.notify_all();
        for worker in self.workers.drain(..) {
            // Workers catch the panics of parts; a join error cannot carry
            // anything the caller has not already been given.
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_part_runs_once_over_borrowed_data() {
        let pool = Pool::start(3, std::process::id());
        assert_eq!(pool.threads(), 4);
        for parts in [1, 2, 4, 9] {
            let mut data = vec![0u64; parts * 5];
            let slots: Vec<Mutex<Option<&mut [u64]>>> =
                data.chunks_mut(5).map(|c| Mutex::new(Some(c))).collect();
            let calls = AtomicUsize::new(0);
            let task = |i: usize| {
                calls.fetch_add(1, Ordering::Relaxed);
                if let Some(part) = slots[i].lock().unwrap().take() {
                    part.iter_mut().for_each(|v| *v += i as u64 + 1);
                }
            };
            assert!(pool.run(parts, &task));
            assert_eq!(calls.load(Ordering::Relaxed), parts);
            drop(slots);
            let want: Vec<u64> = (0..parts * 5).map(|j| (j / 5) as u64 + 1).collect();
            assert_eq!(data, want, "{parts} parts");
        }
    }

    #[test]
    fn a_panicking_part_reaches_the_caller_after_every_part_finished() {
        let pool = Pool::start(2, std::process::id());
        let finished = AtomicUsize::new(0);
        let task = |i: usize| {
            if i == 1 {
                panic!("part 1");
            }
            finished.fetch_add(1, Ordering::Relaxed);
        };
        let caught = panic::catch_unwind(AssertUnwindSafe(|| pool.run(4, &task)));
        assert!(caught.is_err());
        assert_eq!(finished.load(Ordering::Relaxed), 3);
        // The pool is still usable.
        let count = AtomicUsize::new(0);
        assert!(pool.run(3, &|_| {
            count.fetch_add(1, Ordering::Relaxed);
        }));
        assert_eq!(count.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_busy_pool_refuses_a_second_call_and_runs_nothing() {
        let pool = Pool::start(1, std::process::id());
        let inner_ran = AtomicUsize::new(0);
        let outer = |_: usize| {
            let refused = !pool.run(2, &|_| {
                inner_ran.fetch_add(1, Ordering::Relaxed);
            });
            assert!(refused);
        };
        assert!(pool.run(2, &outer));
        assert_eq!(inner_ran.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn concurrent_callers_share_one_pool() {
        let pool = Pool::start(2, std::process::id());
        let total = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20 {
                        let task = |i: usize| {
                            total.fetch_add(i + 1, Ordering::Relaxed);
                        };
                        if !pool.run(3, &task) {
                            (0..3).for_each(task);
                        }
                    }
                });
            }
        });
        assert_eq!(total.load(Ordering::Relaxed), 4 * 20 * 6);
    }

    #[test]
    fn a_pool_without_workers_runs_everything_on_the_caller() {
        let pool = Pool::start(0, std::process::id());
        assert_eq!(pool.threads(), 1);
        let count = AtomicUsize::new(0);
        assert!(pool.run(5, &|_| {
            count.fetch_add(1, Ordering::Relaxed);
        }));
        assert_eq!(count.load(Ordering::Relaxed), 5);
    }
}
