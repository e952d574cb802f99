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

// `unsafe` lives in two functions of `element.rs` (`cast`, `cast_mut`),
// each with its SAFETY argument; everything else is safe code.
#![deny(unsafe_code)]

mod alloc;
mod array;
mod checks;
mod copy;
mod element;
mod error;
mod extract;
mod fold;
mod frame;
mod interior;
mod layout;
mod merge;
mod odometer;
mod order;
mod padding;
mod plan;
mod spec;
mod strided;
mod threads;
mod view;
mod walk;

pub use array::{NdArray, NdIter, NdView, NdViewMut};
pub use element::{DType, Element, FloatElement};
pub use error::{ErrorKind, PatchError, Result};
pub use extract::ExtractOptions;
pub use fold::{Reduce, WindowFn};
pub use frame::{
    frame, frame_count, frame_into, frame_plan, overlap_add, overlap_add_into, overlap_add_len,
};
pub use layout::{Layout, c_strides};
pub use order::PatchOrder;
pub use padding::{Convention, PadMode, Padding};
pub use plan::{AxisPlan, Plan, PlanSummary};
pub use spec::{AxisRole, PatchSpec, Window};
pub use threads::{num_threads, set_num_threads};
pub use view::{PatchView, PatchViewMut};

/// The Rust examples of the repository's README, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
