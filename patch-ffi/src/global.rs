//! Process-wide things: the version and the thread setting.

use std::ffi::c_char;

use crate::status::ffi_value_boundary;

/// Major version of the library (the header's version; compare with
/// `patch_version()` to detect a header/library mismatch).
pub const PATCH_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
pub const PATCH_VERSION_MINOR: u32 = 1;
/// Patch-level version of the library.
pub const PATCH_VERSION_PATCH: u32 = 0;
/// MONAI's default width of the Gaussian of `PATCH_REDUCE_WEIGHTED_GAUSSIAN`:
/// `sigma = 0.125 * window size`.
pub const PATCH_GAUSSIAN_SIGMA_SCALE_DEFAULT: f64 = 0.125;

/// The library's version, `"MAJOR.MINOR.PATCH"` (static; never NULL).
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
/// safe to call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn patch_set_num_threads(n: usize) {
    ffi_value_boundary!((), patch_core::set_num_threads(n))
}

/// The number of threads copies and folds will use (at least 1).
#[unsafe(no_mangle)]
pub extern "C" fn patch_get_num_threads() -> usize {
    ffi_value_boundary!(1, patch_core::num_threads())
}
