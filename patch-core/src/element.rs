//! Element types: the plain numeric types an array may hold, and the float
//! types a fold can average.

use std::fmt::Debug;

/// The element types the library names, for bindings that dispatch on a
/// runtime tag (the C ABI and JavaScript).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum DType {
    /// `u8`
    U8,
    /// `i8`
    I8,
    /// `u16`
    U16,
    /// `i16`
    I16,
    /// `u32`
    U32,
    /// `i32`
    I32,
    /// `u64`
    U64,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl DType {
    /// Size of one element in bytes.
    pub fn itemsize(self) -> usize {
        match self {
            DType::U8 | DType::I8 => 1,
            DType::U16 | DType::I16 => 2,
            DType::U32 | DType::I32 | DType::F32 => 4,
            DType::U64 | DType::I64 | DType::F64 => 8,
        }
    }

    /// The numpy-style name: `"uint8"`, `"float32"`, ...
    pub fn name(self) -> &'static str {
        match self {
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::U16 => "uint16",
            DType::I16 => "int16",
            DType::U32 => "uint32",
            DType::I32 => "int32",
            DType::U64 => "uint64",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// Whether the type is a float type (fold accepts only these).
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }
}

/// A plain `Copy` numeric type that arrays and patches can hold.
///
/// Implemented for `u8`..`u64`, `i8`..`i64`, `f32` and `f64`.
pub trait Element: Copy + Send + Sync + Default + PartialEq + Debug + 'static {
    /// The runtime tag of the type.
    const DTYPE: DType;
    /// Converts a padding constant: saturating for integers (like Rust's `as`).
    fn from_f64(value: f64) -> Self;
}

macro_rules! element {
    ($($t:ty => $d:ident),*) => {$(
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            #[inline]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
        }
    )*};
}
element!(u8 => U8, i8 => I8, u16 => U16, i16 => I16, u32 => U32, i32 => I32,
         u64 => U64, i64 => I64, f32 => F32, f64 => F64);

/// A float element that folds can sum, average and weight: `f32` or `f64`.
pub trait FloatElement:
    Element
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + std::ops::AddAssign
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Converts from `f64` (rounding to nearest for `f32`).
    fn from_weight(w: f64) -> Self;
}

impl FloatElement for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline]
    fn from_weight(w: f64) -> Self {
        w as f32
    }
}

impl FloatElement for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline]
    fn from_weight(w: f64) -> Self {
        w
    }
}
