//! # patch-core: patch extraction by strides
//!
//! Views an N-dimensional array as an array of patches (tiles, windows,
//! frames) without copying, by computing a new shape and new strides over
//! the same memory; copies the patches out, with padding, at memory speed
//! when a contiguous buffer is needed; and folds them back.
//!
//! One geometry model serves images, audio and batches:
//!
//! - a [`Layout`] says where the array lives (shape, signed element strides,
//!   offset, item size) and is checked against its buffer;
//! - a [`PatchSpec`] gives every axis a role: [`AxisRole::Window`] (cut into
//!   windows of a size, step and dilation), [`AxisRole::Whole`] (inside every
//!   patch) or [`AxisRole::Batch`] (outside the patches);
//! - a [`Plan`] combines both with a [`Padding`] and answers every question
//!   about the geometry without touching data;
//! - a [`PatchView`] reads the patches in place; [`Plan::extract`] copies
//!   them (patch-major or feature-major, padded; [`ExtractOptions`] set the
//!   order and the fill value of constant padding, in the destination type);
//!   [`Plan::fold`] puts them back with a [`Reduce`]; [`frame`] and
//!   [`overlap_add`] do the same for 1-D signals.
//!
//! Copies and folds return an [`NdArray`] (owned, C-contiguous, with its
//! shape); patches read in place are [`NdView`]s. Every copy has an `_into`
//! form that writes a caller buffer, always the argument after the source.
//!
//! The view has shape `outer ++ inner`: each batch axis and each window
//! axis's grid count, then each window axis's size and each whole axis's
//! length, both in input order. With every non-window axis `Batch` and every
//! step 1, this is numpy's `sliding_window_view`, equal in shape, byte
//! strides and values.
//!
//! ```
//! use patch_core::{Layout, PatchOrder, PatchSpec, Plan};
//!
//! // A batch of two 4x6 single-channel images, 2x3 tiles.
//! let x: Vec<f32> = (0..2 * 4 * 6).map(|v| v as f32).collect();
//! let layout = Layout::of::<f32>(&[2, 4, 6]).unwrap();
//! let plan = Plan::valid(&layout, &PatchSpec::tiles(&[2, 3]).batched()).unwrap();
//! assert_eq!(plan.shape(), &[2, 2, 2, 2, 3]);
//! assert_eq!(plan.view_strides().unwrap(), &[24, 12, 3, 6, 1]);
//! let tokens = plan.extract(&x, PatchOrder::PatchMajor).unwrap();
//! assert_eq!(tokens.shape(), &[8, 6]);
//! assert_eq!(&tokens.data()[..6], &[0., 1., 2., 6., 7., 8.]);
//! ```
//!
//! Every fallible function returns [`Result`] with a [`PatchError`] whose
//! message quotes the numbers; no input reachable through the public API
//! panics.
//!
//! # Guide: one worked example per task
//!
//! ## ViT tokens from an HWC image
//!
//! 16x16 tiles of a `[224, 224, 3]` image, every channel in every patch:
//! 196 tokens of 768 features in `(ph, pw, C)` order, copied at memory
//! speed (each row of a patch is one run of `16 * 3` bytes).
//!
//! ```
//! use patch_core::{PatchOrder, PatchSpec, PatchView};
//!
//! let (h, w, c, p) = (224, 224, 3, 16);
//! let image: Vec<u8> = (0..h * w * c).map(|i| (i % 251) as u8).collect();
//! let spec = PatchSpec::tiles(&[p, p]).channels_last();
//! let view = PatchView::contiguous(&image, &[h, w, c], &spec)?;
//! assert_eq!(view.shape(), &[14, 14, 16, 16, 3]); // nothing copied yet
//! let tokens = view.extract(PatchOrder::PatchMajor)?;
//! assert_eq!(tokens.shape(), &[196, 768]);
//! // Token 15 is grid cell (1, 1); its feature (y 2, x 5, channel 1):
//! assert_eq!(tokens[[15, (2 * p + 5) * c + 1]], image[((16 + 2) * w + 16 + 5) * c + 1]);
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## ViT tokens in `(C, ph, pw)` order (PyTorch's patch embedding)
//!
//! A CHW tensor is tiled with [`PatchSpec::channels_first`]. An HWC buffer
//! can be read as CHW by strides alone, so the same tokens come out of it
//! in one copy, without transposing the image first.
//!
//! ```
//! use patch_core::{Layout, PatchOrder, PatchSpec, PatchView};
//!
//! let (h, w, c, p) = (32, 48, 3, 16);
//! let hwc: Vec<u8> = (0..h * w * c).map(|i| (i % 253) as u8).collect();
//! // The HWC samples seen as [C, H, W]: strides (1, W*C, C) in elements.
//! let chw = Layout::new(&[c, h, w], &[1, (w * c) as isize, c as isize], 0, 1)?;
//! let spec = PatchSpec::tiles(&[p, p]).channels_first();
//! let tokens = PatchView::new(&hwc, &chw, &spec)?.extract(PatchOrder::PatchMajor)?;
//! assert_eq!(tokens.shape(), &[6, 3 * 16 * 16]);
//! // Token 4 is grid cell (1, 1); feature (channel 1, y 2, x 5):
//! assert_eq!(tokens[[4, p * p + 2 * p + 5]], hwc[((16 + 2) * w + 16 + 5) * c + 1]);
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## im2col, and folding back
//!
//! 3x3 windows over a CHW image with one pixel of zero padding, as columns
//! (`F.unfold`'s `[C*3*3, H*W]`); [`Reduce::Sum`] folds them back like
//! `F.fold`, [`Reduce::Mean`] gives the image back exactly.
//!
//! ```
//! use patch_core::{Layout, PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce};
//!
//! let (c, h, w) = (2, 5, 6);
//! let x: Vec<f32> = (0..c * h * w).map(|v| v as f32).collect();
//! let layout = Layout::of::<f32>(&[c, h, w])?;
//! let spec = PatchSpec::sliding(&[3, 3], &[1, 1])?.channels_first();
//! let plan = Plan::new(&layout, &spec, &Padding::explicit(&[(1, 1), (1, 1)], PadMode::Constant))?;
//! let cols = plan.extract(&x, PatchOrder::FeatureMajor)?;
//! assert_eq!(cols.shape(), &[18, 30]);
//! // Row (channel 1, ky 1, kx 1) is the window centres: channel 1 itself.
//! assert_eq!(&cols.data()[13 * 30..14 * 30], &x[30..60]);
//! // F.fold: an interior element is covered by 9 windows.
//! let sum = plan.fold(cols.data(), PatchOrder::FeatureMajor, &Reduce::Sum)?;
//! assert_eq!(sum[[0, 2, 2]], 9.0 * x[2 * w + 2]);
//! let back = plan.fold(cols.data(), PatchOrder::FeatureMajor, &Reduce::Mean)?;
//! assert_eq!(back.data(), x);
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## Audio framing, and the exact round trip
//!
//! [`frame`] follows `tf.signal.frame`; [`unframe`] is its inverse
//! (overlap-add normalized by the overlap, trimmed to the signal), which is
//! [`frame_plan`] folded back with [`Reduce::Mean`]. ([`overlap_add`] is
//! the plain sum, `tf.signal.overlap_and_add`.)
//!
//! ```
//! use patch_core::{Reduce, WindowFn, frame, unframe};
//!
//! // 0.1 s of 16 kHz audio, 25 ms frames every 10 ms, the end padded.
//! let audio: Vec<f32> = (0..1600).map(|i| (i as f32 * 0.05).sin()).collect();
//! let frames = frame(&audio, 400, 160, true, 0.0)?;
//! assert_eq!(frames.shape(), &[10, 400]); // ceil(1600 / 160)
//! let back = unframe(frames.data(), audio.len(), 400, 160, true, &Reduce::Mean)?;
//! assert_eq!(back.data(), audio); // bit for bit, 1600 samples
//! // Frames processed one by one blend with a Hann window; unprocessed
//! // ones still come back exactly.
//! let hann = unframe(frames.data(), audio.len(), 400, 160, true, &Reduce::Weighted(WindowFn::Hann))?;
//! assert_eq!(hann.data(), audio);
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## Sliding-window inference: Cover, and a Gaussian blend
//!
//! [`Padding::cover`] shifts the last window of each axis back to end at
//! the border, so every pixel is seen without padding; the outputs are
//! blended with Gaussian weights (MONAI's `sigma_scale = 0.125`).
//!
//! ```
//! use patch_core::{Layout, Padding, PatchOrder, PatchSpec, Plan, Reduce, WindowFn};
//!
//! let image: Vec<f32> = (0..100 * 90).map(|v| (v % 97) as f32).collect();
//! let layout = Layout::of::<f32>(&[100, 90])?;
//! let plan = Plan::new(&layout, &PatchSpec::sliding(&[32, 32], &[24, 24])?, &Padding::cover())?;
//! assert_eq!(plan.grid(), vec![4, 4]);
//! assert_eq!(plan.patch_origin(15)?, vec![68, 58]); // the last tile ends at the border
//! let mut tiles = plan.extract(&image, PatchOrder::PatchMajor)?;
//! // The "model": doubles every pixel of its tile.
//! tiles.data_mut().iter_mut().for_each(|v| *v *= 2.0);
//! let out = plan.fold(tiles.data(), PatchOrder::PatchMajor, &Reduce::Weighted(WindowFn::gaussian()))?;
//! assert_eq!(out.shape(), &[100, 90]);
//! assert!(out.iter().zip(&image).all(|(o, i)| *o == 2.0 * i));
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## ndarray arrays (feature `ndarray`)
//!
//! Any `ArrayView` (sliced, flipped, transposed) is planned, viewed and
//! copied without pointers or item sizes; results are ndarray types. See
//! [`interop::ndarray`].
//!
//! ```
//! # #[cfg(feature = "ndarray")] {
//! use ndarray::{Array3, s};
//! use patch_core::{PadMode, Padding, PatchOrder, PatchSpec, Plan, Reduce};
//! use patch_core::interop::ndarray::patch_view;
//!
//! let video = Array3::from_shape_fn((8, 10, 12), |(t, y, x)| (t * 1000 + y * 10 + x) as f64);
//! let clip = video.slice(s![..;2, .., ..;-1]); // every other frame, mirrored
//! // 2x3x4 windows in place, as an ndarray view.
//! let spec = PatchSpec::sliding(&[2, 3, 4], &[1, 3, 4])?;
//! let windows = patch_view(clip.view(), &spec)?;
//! assert_eq!(windows.shape(), &[3, 3, 3, 2, 3, 4]);
//! assert_eq!(windows[[1, 2, 0, 1, 0, 3]], clip[[2, 6, 3]]);
//! // Padded copies as an Array2, folds as an ArrayD.
//! let plan = Plan::for_ndarray(&clip, &spec, &Padding::same(PadMode::Reflect))?;
//! let patches = plan.extract_ndarray(clip.view(), PatchOrder::PatchMajor)?;
//! assert_eq!(patches.dim(), (4 * 4 * 3, 24));
//! let back = plan.fold_ndarray(patches.view(), PatchOrder::PatchMajor, &Reduce::Mean)?;
//! assert_eq!(back, clip.to_owned().into_dyn());
//! # }
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## Images of the `image` crate (feature `image`)
//!
//! Decoded images are read in place as HWC or CHW arrays, alpha dropped by
//! strides. See [`interop::image`].
//!
//! ```
//! # #[cfg(feature = "image")] {
//! use image::{Rgba, RgbaImage};
//! use patch_core::{PatchOrder, PatchSpec, interop::image::{Alpha, chw}};
//!
//! let img = RgbaImage::from_fn(64, 32, |x, y| Rgba([x as u8, y as u8, 0, 255]));
//! let rgb = chw(&img, Alpha::Drop)?; // [3, 32, 64], no copy
//! let tokens = rgb.view(&PatchSpec::tiles(&[16, 16]).channels_first())?.extract(PatchOrder::PatchMajor)?;
//! assert_eq!(tokens.shape(), &[8, 768]);
//! assert_eq!(tokens[[5, 256 + 16 + 3]], img.get_pixel(16 + 3, 16 + 1)[1]);
//! # }
//! # Ok::<(), patch_core::PatchError>(())
//! ```
//!
//! ## Errors
//!
//! Every error has an [`ErrorKind`] to branch on (the same numbers as the
//! C `patch_status` and the JavaScript `kind`) and a message with the
//! numbers; nothing is written to an output on failure.
//!
//! ```
//! use patch_core::{ErrorKind, Layout, PatchOrder, PatchSpec, Plan};
//!
//! let layout = Layout::of::<f32>(&[4, 4])?;
//! let e = Plan::valid(&layout, &PatchSpec::tiles(&[5, 2])).unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::WindowTooLarge);
//! assert_eq!(e.to_string(), "window too large: window 5 is larger than axis 0 of length 4");
//!
//! let plan = Plan::valid(&layout, &PatchSpec::tiles(&[2, 2]))?;
//! let x = [0.0f32; 16];
//! let mut dst = vec![-1.0f32; 15]; // one element short
//! match plan.extract_into(&x, &mut dst, PatchOrder::PatchMajor) {
//!     Err(e) if e.kind() == ErrorKind::BufferSize => assert!(e.message().contains("need 16")),
//!     other => panic!("{other:?}"),
//! }
//! assert!(dst.iter().all(|&v| v == -1.0)); // untouched
//! // A plan of f32 refuses u8 data instead of misreading it.
//! assert_eq!(plan.extract(&[0u8; 16], PatchOrder::PatchMajor).unwrap_err().kind(), ErrorKind::UnsupportedDtype);
//! # Ok::<(), patch_core::PatchError>(())
//! ```

// `unsafe` lives in two functions of `element.rs` (`cast`, `cast_mut`) and
// in two calls of `interop/ndarray.rs` (`patch_view`, `patch_view_mut`:
// ndarray's `from_shape_ptr`), each with its SAFETY argument and run
// under Miri; everything else is safe code.
#![deny(unsafe_code)]

mod affine;
mod alloc;
mod arrange;
mod array;
mod checks;
mod convert;
mod copy;
mod element;
mod error;
mod extract;
mod fold;
mod frame;
mod interior;
#[cfg(any(feature = "ndarray", feature = "image"))]
pub mod interop;
mod layout;
mod merge;
mod odometer;
mod order;
mod padding;
mod plan;
mod spec;
mod stream;
mod strided;
mod threads;
mod view;
mod walk;
pub mod window;

pub use affine::Affine;
pub use arrange::{ArrangedView, Qwen2Vl};
pub use array::{NdArray, NdIter, NdView, NdViewMut};
pub use element::{DType, Element, FloatElement};
pub use error::{ErrorKind, PatchError, Result};
pub use extract::ExtractOptions;
pub use fold::{Reduce, WindowFn};
pub use frame::{
    frame, frame_count, frame_into, frame_into_with, frame_plan, frame_with, overlap_add,
    overlap_add_into, overlap_add_len, unframe, unframe_into,
};
pub use layout::{Layout, PixelFormat, c_strides};
pub use order::PatchOrder;
pub use padding::{Convention, PadMode, Padding};
pub use plan::{AxisPlan, Plan, PlanSummary};
pub use spec::{AxisRole, PatchSpec, Window};
pub use stream::{StreamFramer, StreamOverlapAdd};
pub use threads::{num_threads, set_num_threads, shutdown_threads};
pub use view::{PatchView, PatchViewMut};

/// The Rust examples of the repository's README, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The example of the crate's own README (the one crates.io shows),
/// compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;
