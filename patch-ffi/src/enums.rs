//! The enums of the C API.
//!
//! They name the values only: every function takes them as `uint32_t` and
//! checks the number, because a Rust enum holding an unknown discriminant
//! would be undefined behaviour. An unknown number is
//! `PATCH_STATUS_INVALID_ENUM` with a message that lists the valid ones.

use patch_core::{DType, PadMode, PatchOrder, PixelFormat, Reduce, WindowFn};

use crate::ptr::{Failure, FfiResult};
use crate::status::patch_status;

/// The element type of an array (the `dtype` of `patch_layout`, of
/// `patch_frame_into` and `patch_overlap_add_into`): what the bytes of a
/// buffer hold.
///
/// The numbers are fixed and never reused. 0 is not a type, so that a
/// `patch_layout` whose `dtype` was left zero-initialized is refused
/// (`PATCH_STATUS_INVALID_ENUM`) instead of read as bytes.
///
/// The 16-bit floats hold their bits in a `uint16_t` (C has no portable
/// type for them): `PATCH_DTYPE_F16` is IEEE 754 binary16 (`_Float16`
/// where the compiler has it), `PATCH_DTYPE_BF16` bfloat16, the top 16
/// bits of a `float`. Both are copied like any type, read as a source and
/// written by converting copies (`patch_extract_convert_into`), rounded to
/// nearest even; folds and overlap-add take `F32` and `F64` only.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_dtype {
    /// `uint8_t`
    U8 = 1,
    /// `int8_t`
    I8 = 2,
    /// `uint16_t`
    U16 = 3,
    /// `int16_t`
    I16 = 4,
    /// `uint32_t`
    U32 = 5,
    /// `int32_t`
    I32 = 6,
    /// `uint64_t`
    U64 = 7,
    /// `int64_t`
    I64 = 8,
    /// `float` (IEEE 754 binary32)
    F32 = 9,
    /// `double` (IEEE 754 binary64)
    F64 = 10,
    /// IEEE 754 binary16 (`float16`), its bits in a `uint16_t`
    F16 = 11,
    /// bfloat16, the top 16 bits of a `float`, in a `uint16_t`
    BF16 = 12,
}

impl patch_dtype {
    /// Every type, in number order.
    pub const ALL: [patch_dtype; 12] = [
        patch_dtype::U8,
        patch_dtype::I8,
        patch_dtype::U16,
        patch_dtype::I16,
        patch_dtype::U32,
        patch_dtype::I32,
        patch_dtype::U64,
        patch_dtype::I64,
        patch_dtype::F32,
        patch_dtype::F64,
        patch_dtype::F16,
        patch_dtype::BF16,
    ];

    /// The engine's element type.
    pub fn core(self) -> DType {
        match self {
            patch_dtype::U8 => DType::U8,
            patch_dtype::I8 => DType::I8,
            patch_dtype::U16 => DType::U16,
            patch_dtype::I16 => DType::I16,
            patch_dtype::U32 => DType::U32,
            patch_dtype::I32 => DType::I32,
            patch_dtype::U64 => DType::U64,
            patch_dtype::I64 => DType::I64,
            patch_dtype::F32 => DType::F32,
            patch_dtype::F64 => DType::F64,
            patch_dtype::F16 => DType::F16,
            patch_dtype::BF16 => DType::BF16,
        }
    }

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        self.core().itemsize()
    }

    /// numpy's name of the type (`"uint8"`, `"float32"`), for messages.
    pub fn name(self) -> &'static str {
        self.core().name()
    }

    /// The number C passes.
    pub fn number(self) -> u32 {
        // A fieldless `#[repr(u32)]` enum: the discriminant is the number.
        self as u32
    }
}

/// The role of one input axis (the `role` field of `patch_axis`).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_role {
    /// The axis is cut into windows of `size` samples, `step` apart, with
    /// `dilation` between samples (H and W of an image, T of audio).
    Window = 0,
    /// The whole axis goes inside every patch (C of an HWC image for ViT).
    Whole = 1,
    /// The axis stays outside the patches, one entry per index (a batch;
    /// numpy's non-windowed axes).
    Batch = 2,
}

/// Where windows are placed along every window axis.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_convention {
    /// No padding; windows that do not fit are dropped (numpy, torch). The
    /// only convention that always gives a strided view.
    Valid = 0,
    /// TensorFlow's `SAME`: `ceil(len / step)` windows per axis, the total
    /// padding split with the smaller half first.
    Same = 1,
    /// The `pad_lo` / `pad_hi` of every window axis's `patch_axis`.
    Explicit = 2,
    /// No padding; when the windows do not end at the border, one more
    /// window is added, shifted back to end exactly at the border, so every
    /// element is covered (sliding-window inference).
    Cover = 3,
}

/// What a window reads outside its axis (numpy `np.pad` names).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_pad_mode {
    /// A constant, given to each copy as the bytes of one element (zeros
    /// when none is given).
    Constant = 0,
    /// Mirror without repeating the edge: `[1 2 3]` padded by 2 reads `3 2 | 1 2 3 | 2 1`.
    Reflect = 1,
    /// Mirror repeating the edge: `2 1 | 1 2 3 | 3 2`.
    Symmetric = 2,
    /// The nearest edge element: `1 1 | 1 2 3 | 3 3`.
    Edge = 3,
    /// Periodic: `2 3 | 1 2 3 | 1 2`.
    Wrap = 4,
}

/// The layout of a copy of the patches.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_order {
    /// `[num_patches][patch_len]`: one patch after another (ViT tokens).
    PatchMajor = 0,
    /// `[patch_len][num_patches]`: one feature after another (im2col,
    /// torch's `F.unfold` columns).
    FeatureMajor = 1,
}

/// How overlapping patch elements combine when folded back.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_reduce {
    /// Add them up (torch's `F.fold`).
    Sum = 0,
    /// Average over the windows that cover each element; folding the
    /// patches of `x` gives back `x` exactly wherever a window covers.
    Mean = 1,
    /// Weighted average with a Hann window per axis,
    /// `w[i] = sin^2(pi (i + 1/2) / size)` (never zero at the border).
    WeightedHann = 2,
    /// Weighted average with a Gaussian per axis centred on the window,
    /// `sigma = sigma_scale * size` (MONAI's sliding-window blending).
    WeightedGaussian = 3,
    /// The patch with the highest index that covers an element wins.
    Overwrite = 4,
}

/// How the channels of one pixel of an interleaved buffer are stored (the
/// `format` of `patch_layout_pixels`, which reads every format as RGB).
///
/// 0 is not a format, so that a zero left in place of one is refused.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum patch_pixel_format {
    /// Red, green, blue: 3 elements per pixel.
    Rgb = 1,
    /// Red, green, blue, alpha: 4 per pixel (canvas `ImageData`, most GPU
    /// readbacks).
    Rgba = 2,
    /// Blue, green, red: 3 per pixel (OpenCV).
    Bgr = 3,
    /// Blue, green, red, alpha: 4 per pixel (Windows bitmaps, many camera
    /// APIs).
    Bgra = 4,
}

fn invalid(what: &str, value: u32, valid: &str) -> Failure {
    Failure::new(
        patch_status::InvalidEnum,
        format!("{what} {value} is not one of {valid}"),
    )
}

/// The element type with number `value`.
pub(crate) fn dtype(value: u32) -> FfiResult<patch_dtype> {
    patch_dtype::ALL
        .into_iter()
        .find(|d| d.number() == value)
        .ok_or_else(|| {
            invalid(
                "dtype",
                value,
                "PATCH_DTYPE_U8 (1), _I8 (2), _U16 (3), _I16 (4), _U32 (5), _I32 (6), _U64 (7), \
                 _I64 (8), _F32 (9), _F64 (10), _F16 (11), _BF16 (12)",
            )
        })
}

/// The pixel format with number `value`.
pub(crate) fn pixel_format(value: u32) -> FfiResult<PixelFormat> {
    match value {
        1 => Ok(PixelFormat::Rgb),
        2 => Ok(PixelFormat::Rgba),
        3 => Ok(PixelFormat::Bgr),
        4 => Ok(PixelFormat::Bgra),
        _ => Err(invalid(
            "pixel format",
            value,
            "PATCH_PIXEL_FORMAT_RGB (1), _RGBA (2), _BGR (3), _BGRA (4)",
        )),
    }
}

/// The role with number `value` (`axis` is for the message).
pub(crate) fn role(value: u32, axis: usize) -> FfiResult<patch_role> {
    match value {
        0 => Ok(patch_role::Window),
        1 => Ok(patch_role::Whole),
        2 => Ok(patch_role::Batch),
        _ => Err(invalid(
            &format!("role of axis {axis}:"),
            value,
            "PATCH_ROLE_WINDOW (0), PATCH_ROLE_WHOLE (1), PATCH_ROLE_BATCH (2)",
        )),
    }
}

/// The convention with number `value`.
pub(crate) fn convention(value: u32) -> FfiResult<patch_convention> {
    match value {
        0 => Ok(patch_convention::Valid),
        1 => Ok(patch_convention::Same),
        2 => Ok(patch_convention::Explicit),
        3 => Ok(patch_convention::Cover),
        _ => Err(invalid(
            "convention",
            value,
            "PATCH_CONVENTION_VALID (0), _SAME (1), _EXPLICIT (2), _COVER (3)",
        )),
    }
}

/// The padding mode with number `value`.
pub(crate) fn pad_mode(value: u32) -> FfiResult<PadMode> {
    match value {
        // The constant itself is given to each copy as element bytes.
        0 => Ok(PadMode::Constant),
        1 => Ok(PadMode::Reflect),
        2 => Ok(PadMode::Symmetric),
        3 => Ok(PadMode::Edge),
        4 => Ok(PadMode::Wrap),
        _ => Err(invalid(
            "pad mode",
            value,
            "PATCH_PAD_MODE_CONSTANT (0), _REFLECT (1), _SYMMETRIC (2), _EDGE (3), _WRAP (4)",
        )),
    }
}

/// The patch order with number `value`.
pub(crate) fn order(value: u32) -> FfiResult<PatchOrder> {
    match value {
        0 => Ok(PatchOrder::PatchMajor),
        1 => Ok(PatchOrder::FeatureMajor),
        _ => Err(invalid(
            "order",
            value,
            "PATCH_ORDER_PATCH_MAJOR (0), PATCH_ORDER_FEATURE_MAJOR (1)",
        )),
    }
}

/// The reduction with number `value`; `sigma_scale` is used by the Gaussian.
pub(crate) fn reduce(value: u32, sigma_scale: f64) -> FfiResult<Reduce> {
    match value {
        0 => Ok(Reduce::Sum),
        1 => Ok(Reduce::Mean),
        2 => Ok(Reduce::Weighted(WindowFn::Hann)),
        3 => Ok(Reduce::Weighted(WindowFn::Gaussian { sigma_scale })),
        4 => Ok(Reduce::Overwrite),
        _ => Err(invalid(
            "reduce",
            value,
            "PATCH_REDUCE_SUM (0), _MEAN (1), _WEIGHTED_HANN (2), _WEIGHTED_GAUSSIAN (3), _OVERWRITE (4)",
        )),
    }
}
