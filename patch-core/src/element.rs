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
    /// IEEE 754 binary16 ([`half::f16`]), `float16`.
    F16,
    /// bfloat16 ([`half::bf16`]): the top 16 bits of an `f32`.
    BF16,
}

impl DType {
    /// Size of one element in bytes.
    pub fn itemsize(self) -> usize {
        match self {
            DType::U8 | DType::I8 => 1,
            DType::U16 | DType::I16 | DType::F16 | DType::BF16 => 2,
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
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
        }
    }

    /// Whether the type is `f32` or `f64`, the types folds accumulate
    /// (the 16-bit floats are copied and converted to, not folded).
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// Whether a converting copy can write this type: `f32`, `f64`, `f16`
    /// or `bf16` (see [`ExtractOptions`](crate::ExtractOptions)).
    pub fn is_conversion_target(self) -> bool {
        matches!(self, DType::F32 | DType::F64 | DType::F16 | DType::BF16)
    }
}

mod sealed {
    /// Only the library's numeric types are elements: copies reinterpret
    /// them as unsigned integers of the same size (see [`super::as_bits`]).
    pub trait Sealed {}
}

/// A plain `Copy` numeric type that arrays and patches can hold.
///
/// Implemented for `u8`..`u64`, `i8`..`i64`, `f32`, `f64` and the 16-bit
/// floats [`half::f16`] and [`half::bf16`]; the trait is
/// sealed, because copies move every element type as the unsigned integer
/// of its size (one copy kernel per width, not per type).
pub trait Element:
    sealed::Sealed + Copy + Send + Sync + Default + PartialEq + Debug + 'static
{
    /// The runtime tag of the type.
    const DTYPE: DType;
    /// The unsigned integer of the same size and alignment, which copies
    /// move instead of `Self`.
    type Bits: Element;
}

macro_rules! element {
    ($($t:ty => $d:ident, $bits:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            type Bits = $bits;
        }
    )*};
}
element!(u8 => U8, u8, i8 => I8, u8, u16 => U16, u16, i16 => I16, u16, u32 => U32, u32,
         i32 => I32, u32, u64 => U64, u64, i64 => I64, u64, f32 => F32, u32, f64 => F64, u64,
         half::f16 => F16, u16, half::bf16 => BF16, u16);

/// `s` read as elements of `U`, or `None` when `U` differs from `T` in size
/// or alignment.
#[allow(unsafe_code)]
pub(crate) fn cast<T: Element, U: Element>(s: &[T]) -> Option<&[U]> {
    if size_of::<T>() != size_of::<U>() || align_of::<T>() != align_of::<U>() {
        return None;
    }
    // SAFETY: `Element` is sealed and implemented only for primitive
    // integers and floats: they have no padding and every bit pattern is a
    // valid value of each of them. `T` and `U` have the same size and
    // alignment (checked above), so the memory of `s` read as `len` values
    // of `U` is valid and aligned for the lifetime of `s`.
    Some(unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<U>(), s.len()) })
}

/// `s` read and written as elements of `U`, or `None` when `U` differs from
/// `T` in size or alignment.
#[allow(unsafe_code)]
pub(crate) fn cast_mut<T: Element, U: Element>(s: &mut [T]) -> Option<&mut [U]> {
    if size_of::<T>() != size_of::<U>() || align_of::<T>() != align_of::<U>() {
        return None;
    }
    // SAFETY: as in `cast`; in addition every value written through the
    // result is some bit pattern of the right size, which is a valid `T`,
    // and the exclusive borrow of `s` is moved into the result.
    Some(unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<U>(), s.len()) })
}

/// Checks that `len` bytes at address `addr` are whole, aligned elements
/// of `T`; `what` names the buffer in the message.
fn check_bytes<T: Element>(addr: usize, len: usize, what: &str) -> crate::error::Result<()> {
    if !addr.is_multiple_of(align_of::<T>()) {
        crate::error::bail!(
            InvalidArgument,
            "the {what} is not aligned for {}: address {addr:#x} is not a multiple of {}",
            T::DTYPE.name(),
            align_of::<T>()
        );
    }
    if !len.is_multiple_of(size_of::<T>()) {
        crate::error::bail!(
            BufferSize,
            "the {what} has {len} bytes, not a whole number of {}-byte {} elements",
            size_of::<T>(),
            T::DTYPE.name()
        );
    }
    Ok(())
}

/// `bytes` read as elements of `T`; fails when they are not aligned for
/// `T` or not a whole number of them (`what` names the buffer).
#[allow(unsafe_code)]
pub(crate) fn bytes_as<'a, T: Element>(
    bytes: &'a [u8],
    what: &str,
) -> crate::error::Result<&'a [T]> {
    if bytes.is_empty() {
        return Ok(&[]);
    }
    check_bytes::<T>(bytes.as_ptr() as usize, bytes.len(), what)?;
    // SAFETY: the pointer is aligned for `T` and the length is a whole
    // number of `T`s (checked above); `Element` types are primitive
    // numbers, for which every bit pattern is a valid value, and the
    // result borrows `bytes` for its lifetime.
    Ok(unsafe {
        std::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), bytes.len() / size_of::<T>())
    })
}

/// `bytes` read and written as elements of `T`, as [`bytes_as`].
#[allow(unsafe_code)]
pub(crate) fn bytes_as_mut<'a, T: Element>(
    bytes: &'a mut [u8],
    what: &str,
) -> crate::error::Result<&'a mut [T]> {
    if bytes.is_empty() {
        return Ok(&mut []);
    }
    check_bytes::<T>(bytes.as_ptr() as usize, bytes.len(), what)?;
    // SAFETY: as in `bytes_as`; every value written through the result is
    // some bytes, which `u8` accepts, and the exclusive borrow of `bytes`
    // is moved into the result.
    Ok(unsafe {
        std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<T>(), bytes.len() / size_of::<T>())
    })
}

/// The bytes of `s`, writable.
#[allow(unsafe_code)]
pub(crate) fn as_bytes_mut<T: Element>(s: &mut [T]) -> &mut [u8] {
    // SAFETY: `Element` types have no padding, so every byte of `s` is
    // initialized; every bit pattern is a valid `T`, so any bytes written
    // leave valid values; `u8` has alignment 1; the exclusive borrow of `s`
    // is moved into the result.
    unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u8>(), size_of_val(s)) }
}

/// The elements of `s` as the unsigned integers of their size.
pub(crate) fn as_bits<T: Element>(s: &[T]) -> &[T::Bits] {
    const { assert!(size_of::<T>() == size_of::<T::Bits>() && align_of::<T>() == align_of::<T::Bits>()) };
    // Cannot be `None`: the sizes and alignments are equal (asserted above).
    cast(s).unwrap_or_default()
}

/// The elements of `s` as the unsigned integers of their size, writable.
pub(crate) fn as_bits_mut<T: Element>(s: &mut [T]) -> &mut [T::Bits] {
    const { assert!(size_of::<T>() == size_of::<T::Bits>() && align_of::<T>() == align_of::<T::Bits>()) };
    // Cannot be `None`, as in `as_bits`.
    cast_mut(s).unwrap_or_default()
}

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
    /// Whether weighted folds accumulate this type in `f64` (sums of
    /// `w*v` and of `w`, divided at the end): exact for `f32` data when every
    /// contribution to an element is equal, and faster than a running mean.
    /// `f64` keeps the running weighted mean, exact for equal contributions.
    const WIDE_WEIGHTS: bool;
    /// Converts from `f64` (rounding to nearest for `f32`).
    fn from_weight(w: f64) -> Self;
    /// Converts to `f64` (exact).
    fn to_f64(self) -> f64;
}

impl FloatElement for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const WIDE_WEIGHTS: bool = true;
    #[inline]
    fn from_weight(w: f64) -> Self {
        w as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl FloatElement for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const WIDE_WEIGHTS: bool = false;
    #[inline]
    fn from_weight(w: f64) -> Self {
        w
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two `unsafe` casts, exercised for every width (also run under Miri
    /// by the test command).
    #[test]
    fn bits_round_trip_every_element_type() {
        fn round_trip<T: Element>(values: &[T]) {
            let mut copy = values.to_vec();
            let bits = as_bits(values).to_vec();
            assert_eq!(bits.len(), values.len());
            as_bits_mut(&mut copy).copy_from_slice(&bits);
            assert_eq!(copy, values);
        }
        round_trip(&[1u8, 255]);
        round_trip(&[-1i8, 7]);
        round_trip(&[1u16, 65535]);
        round_trip(&[-2i16, 300]);
        round_trip(&[7u32, 1 << 31]);
        round_trip(&[-7i32, 9]);
        round_trip(&[1u64, u64::MAX]);
        round_trip(&[-1i64, 2]);
        round_trip(&[1.5f32, -0.0, f32::INFINITY]);
        round_trip(&[2.5f64, f64::MIN_POSITIVE]);
        assert_eq!(as_bits(&[1.0f32])[0], 0x3f80_0000);
        // Between types of the same width; none between different widths.
        assert_eq!(cast::<i16, u16>(&[-1, 2]), Some(&[65535u16, 2][..]));
        let mut v = [0u64; 2];
        cast_mut::<u64, f64>(&mut v).unwrap()[1] = 1.0;
        assert_eq!(v, [0, 0x3ff0_0000_0000_0000]);
        assert!(cast::<u8, u16>(&[1, 2]).is_none());
        assert!(cast_mut::<f64, f32>(&mut [1.0]).is_none());
    }
}
