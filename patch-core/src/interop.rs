//! Interop with the standard array and image crates of Rust, each behind
//! its feature (off by default; the core has no required dependency).
//!
//! - [`ndarray`] (feature `ndarray`): patch views, copies and folds of
//!   `ndarray` arrays in any strides, returned as ndarray types.
//! - [`image`] (feature `image`): `image` crate buffers as HWC or CHW
//!   arrays, alpha dropped by strides.

#[cfg(feature = "image")]
pub mod image;
#[cfg(feature = "ndarray")]
pub mod ndarray;
