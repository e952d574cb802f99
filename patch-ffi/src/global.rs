//! Process-wide things: the version, the thread setting and the library's
//! threads.

use std::ffi::c_char;

use crate::status::ffi_value_boundary;

// The version macros of the header (`PATCH_VERSION`, `PATCH_VERSION_MAJOR`,
// ...) are written by `gen-header.sh` from the workspace version, the one
// `patch_version()` returns; nothing here types a version.

/// MONAI's default width of the Gaussian of `PATCH_REDUCE_WEIGHTED_GAUSSIAN`:
/// `sigma = 0.125 * window size`.
pub const PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT: f64 = 0.125;

/// The library's version, `"MAJOR.MINOR.PATCH"` (static; never NULL).
/// Compare it with the header's `PATCH_VERSION` to detect a header/library
/// mismatch.
#[unsafe(no_mangle)]
pub extern "C" fn patch_version() -> *const c_char {
    const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(v) => v,
        Err(_) => c"",
    };
    ffi_value_boundary!(c"".as_ptr(), VERSION.as_ptr())
}

/// Sets how many threads copies and folds may use: 1 for single-thread
/// work, 0 (the default) for every available core.
///
/// A global setting for the whole process, read when each call starts;
/// safe to call from any thread. The library's pool is rebuilt with the new
/// count by the next copy or fold that is split (those of 1 MiB or more).
#[unsafe(no_mangle)]
pub extern "C" fn patch_set_num_threads(n: usize) {
    ffi_value_boundary!((), patch_core::set_num_threads(n))
}

/// The number of threads copies and folds will use (at least 1).
#[unsafe(no_mangle)]
pub extern "C" fn patch_get_num_threads() -> usize {
    ffi_value_boundary!(1, patch_core::num_threads())
}

/// Stops the library's worker threads and waits for them to exit.
///
/// Copies and folds of 1 MiB or more are split between the calling thread
/// and the workers of a pool that the library starts on first use and
/// keeps between calls (`patch_get_num_threads() - 1` workers). This joins
/// them; the next such call starts a new pool, so it is safe to call at any
/// time, from any thread, any number of times, and results are unchanged.
///
/// On Linux the library also does it by itself:
/// - when the process exits normally (`exit()` or returning from `main`)
///   or the library is unloaded (`dlclose`): a program need not call this
///   to be clean under `valgrind --leak-check=full`;
/// - just before `fork()` (a `pthread_atfork` handler): the child starts
///   with none of the parent's threads and its first split call starts a
///   pool of its own, as does the parent's next one. Should another thread
///   be inside a copy during the fork, its workers live on in the parent
///   only; the child, seeing a new process id, leaves that pool alone and
///   starts its own. Either way the child's copies and folds give the
///   parent's results.
///
/// If another thread is inside a copy at that moment, the workers finish
/// that copy and are joined when it returns.
#[unsafe(no_mangle)]
pub extern "C" fn patch_threads_shutdown() {
    ffi_value_boundary!((), patch_core::shutdown_threads())
}

/// The threads' lifecycle hooks of the C library, on Linux (ELF sections
/// and glibc's `pthread_atfork`):
///
/// - at exit or unload, the workers are joined (a `.fini_array` entry, run
///   by the C runtime after `main` returns or `exit()` is called, and by
///   `dlclose`); without it they are still running when the process ends,
///   and valgrind reports their stacks as "possibly lost";
/// - before `fork()`, the workers are joined too (a `pthread_atfork`
///   prepare handler, registered by an `.init_array` entry when the library
///   is loaded), so that the child starts with none of the parent's threads
///   and nothing they owned; the parent's next split call starts a new pool
///   (as OpenBLAS does). If another thread is inside a copy at the fork,
///   its workers survive the fork in the parent only, and the child, seeing
///   another process id, starts a pool of its own (patch-core).
///
/// Each hook only calls `patch_core::shutdown_threads`, which uses no
/// thread-local storage of the calling thread (whose destructors may have
/// run at exit), only mutexes, condition variables, an atomic and thread
/// joins; the workers it joins are idle or finish the call they are in; in
/// a forked child it touches none of the parent's threads.
#[cfg(target_os = "linux")]
mod hooks {
    use std::ffi::c_int;

    /// Joins the workers; must not unwind into the C runtime.
    extern "C" fn shutdown() {
        let _ = std::panic::catch_unwind(patch_core::shutdown_threads);
    }

    // SAFETY: the declaration is glibc's (POSIX) `int pthread_atfork(void
    // (*)(void), void (*)(void), void (*)(void))`, NULL allowed for each
    // handler (`None`); calling it has no precondition, hence `safe`.
    unsafe extern "C" {
        safe fn pthread_atfork(
            prepare: Option<extern "C" fn()>,
            parent: Option<extern "C" fn()>,
            child: Option<extern "C" fn()>,
        ) -> c_int;
    }

    /// Run once when the library is loaded.
    extern "C" fn at_load() {
        // Fails only without memory (ENOMEM): forks then behave as without
        // the handler, a child starting a pool of its own.
        let _ = pthread_atfork(Some(shutdown), None, None);
    }

    // SAFETY (both entries): every entry of `.init_array` and `.fini_array`
    // is called by the C runtime once, with no arguments it needs to read
    // (glibc passes argc, argv and envp to `.init_array` entries, which an
    // `extern "C" fn()` ignores under the C calling convention), at load
    // and at exit or unload respectively; each static is exactly one such
    // function pointer, the size of the sections' entries. What they run is
    // sound at those points (see the module's documentation) and cannot
    // unwind. `#[used]` keeps the otherwise unreferenced statics; the crate
    // is built as one codegen unit (the workspace's Cargo.toml) so that a
    // program linked with libpatch.a takes these entries with any function
    // of the library it calls.
    #[unsafe(link_section = ".init_array")]
    #[used]
    static AT_LOAD: extern "C" fn() = at_load;

    #[unsafe(link_section = ".fini_array")]
    #[used]
    static AT_EXIT: extern "C" fn() = shutdown;
}
