//! The elements of an array, one variant per element type: owned
//! ([`Buf`]), borrowed ([`BufRef`]) and borrowed for writing ([`BufMut`]).

use std::ops::Range;

use half::{bf16, f16};
use patch_core::{Element, ErrorKind};

use crate::dtype::JsDType;
use crate::error::{JsResult, error, invalid};

/// The elements of an array, one variant per element type.
pub(crate) enum Buf {
    U8(Vec<u8>),
    I8(Vec<i8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    F16(Vec<f16>),
    BF16(Vec<bf16>),
}

/// Borrowed elements of one type: a whole [`Buf`] or a range of it.
#[derive(Clone, Copy)]
pub(crate) enum BufRef<'a> {
    U8(&'a [u8]),
    I8(&'a [i8]),
    U16(&'a [u16]),
    I16(&'a [i16]),
    U32(&'a [u32]),
    I32(&'a [i32]),
    F32(&'a [f32]),
    F64(&'a [f64]),
    F16(&'a [f16]),
    BF16(&'a [bf16]),
}

/// Elements of one type borrowed for writing.
pub(crate) enum BufMut<'a> {
    U8(&'a mut [u8]),
    I8(&'a mut [i8]),
    U16(&'a mut [u16]),
    I16(&'a mut [i16]),
    U32(&'a mut [u32]),
    I32(&'a mut [i32]),
    F32(&'a mut [f32]),
    F64(&'a mut [f64]),
    F16(&'a mut [f16]),
    BF16(&'a mut [bf16]),
}

/// Runs `$body` with `$v` bound to the slice inside a [`BufRef`] (or the
/// `Vec` inside a [`Buf`] with `Buf` as `$kind`), whatever its element type.
macro_rules! each {
    ($kind:ident, $buf:expr, $v:ident => $body:expr) => {
        match $buf {
            $crate::buf::$kind::U8($v) => $body,
            $crate::buf::$kind::I8($v) => $body,
            $crate::buf::$kind::U16($v) => $body,
            $crate::buf::$kind::I16($v) => $body,
            $crate::buf::$kind::U32($v) => $body,
            $crate::buf::$kind::I32($v) => $body,
            $crate::buf::$kind::F32($v) => $body,
            $crate::buf::$kind::F64($v) => $body,
            $crate::buf::$kind::F16($v) => $body,
            $crate::buf::$kind::BF16($v) => $body,
        }
    };
}

/// Runs `$body` with `$x` and `$y` bound to the slices of a [`BufRef`] and
/// a [`BufMut`] of the same element type, for the listed variants; any other
/// pair evaluates `$other`.
macro_rules! same_type {
    (($src:expr, $dst:expr), ($x:ident, $y:ident) => $body:expr, [$($var:ident),*], $other:expr) => {
        match ($src, $dst) {
            $(($crate::buf::BufRef::$var($x), $crate::buf::BufMut::$var($y)) => $body,)*
            #[allow(unreachable_patterns)]
            _ => $other,
        }
    };
}
pub(crate) use {each, same_type};

/// An element type a [`Buf`] can hold.
pub(crate) trait Stored: Element {
    /// Wraps a vector in its variant.
    fn wrap(v: Vec<Self>) -> Buf;
}

macro_rules! stored {
    ($($t:ty => $var:ident),*) => {$(
        impl Stored for $t {
            fn wrap(v: Vec<Self>) -> Buf {
                Buf::$var(v)
            }
        }
    )*};
}
stored!(u8 => U8, i8 => I8, u16 => U16, i16 => I16, u32 => U32, i32 => I32, f32 => F32, f64 => F64,
    f16 => F16, bf16 => BF16);

/// A zero-filled vector, or an `allocation` error instead of an abort.
pub(crate) fn zeroed<T: Copy + Default>(n: usize) -> JsResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        error(
            ErrorKind::Allocation,
            format!(
                "cannot allocate {n} elements of {} bytes in wasm memory",
                std::mem::size_of::<T>()
            ),
        )
    })?;
    v.resize(n, T::default());
    Ok(v)
}

fn out_of_range() -> wasm_bindgen::JsValue {
    invalid("the typed array no longer lies inside its WasmArray")
}

/// `v[range]` (all of `v` for `None`), checked.
fn part<'a, T>(v: &'a [T], range: &Option<Range<usize>>) -> JsResult<&'a [T]> {
    match range {
        None => Ok(v),
        Some(r) => v.get(r.clone()).ok_or_else(out_of_range),
    }
}

/// `&mut v[range]` (all of `v` for `None`), checked.
fn part_mut<'a, T>(v: &'a mut [T], range: &Option<Range<usize>>) -> JsResult<&'a mut [T]> {
    match range {
        None => Ok(v),
        Some(r) => v.get_mut(r.clone()).ok_or_else(out_of_range),
    }
}

/// `v[read]` and `&mut v[write]` of one slice, or `None` when the two
/// ranges overlap (empty ranges overlap nothing) or leave the slice.
fn disjoint<T>(v: &mut [T], read: Range<usize>, write: Range<usize>) -> Option<(&[T], &mut [T])> {
    if read.is_empty() {
        return Some((&[], v.get_mut(write)?));
    }
    if write.is_empty() {
        return Some((v.get(read)?, &mut []));
    }
    if read.end <= write.start {
        let (lo, hi) = v.split_at_mut_checked(write.start)?;
        Some((lo.get(read)?, hi.get_mut(..write.len())?))
    } else if write.end <= read.start {
        let (lo, hi) = v.split_at_mut_checked(read.start)?;
        Some((hi.get(..read.len())?, lo.get_mut(write)?))
    } else {
        None
    }
}

macro_rules! by_variant {
    ($self:expr, $v:ident => $ref:ident($e:expr)) => {
        match $self {
            Buf::U8($v) => $ref::U8($e),
            Buf::I8($v) => $ref::I8($e),
            Buf::U16($v) => $ref::U16($e),
            Buf::I16($v) => $ref::I16($e),
            Buf::U32($v) => $ref::U32($e),
            Buf::I32($v) => $ref::I32($e),
            Buf::F32($v) => $ref::F32($e),
            Buf::F64($v) => $ref::F64($e),
            Buf::F16($v) => $ref::F16($e),
            Buf::BF16($v) => $ref::BF16($e),
        }
    };
}

impl Buf {
    /// A zero-filled buffer of `n` elements of `dtype`.
    pub(crate) fn zeroed(dtype: JsDType, n: usize) -> JsResult<Buf> {
        Ok(match dtype {
            JsDType::Uint8 | JsDType::Uint8Clamped => Buf::U8(zeroed(n)?),
            JsDType::Int8 => Buf::I8(zeroed(n)?),
            JsDType::Uint16 => Buf::U16(zeroed(n)?),
            JsDType::Int16 => Buf::I16(zeroed(n)?),
            JsDType::Uint32 => Buf::U32(zeroed(n)?),
            JsDType::Int32 => Buf::I32(zeroed(n)?),
            JsDType::Float32 => Buf::F32(zeroed(n)?),
            JsDType::Float64 => Buf::F64(zeroed(n)?),
            JsDType::Float16 => Buf::F16(zeroed(n)?),
            JsDType::BFloat16 => Buf::BF16(zeroed(n)?),
        })
    }

    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        each!(Buf, self, v => v.len())
    }

    /// Byte address of the first element in wasm memory.
    pub(crate) fn addr(&self) -> usize {
        each!(Buf, self, v => v.as_ptr().addr())
    }

    /// The elements in `range` (all for `None`).
    pub(crate) fn part(&self, range: &Option<Range<usize>>) -> JsResult<BufRef<'_>> {
        Ok(by_variant!(self, v => BufRef(part(v, range)?)))
    }

    /// The elements in `range` (all for `None`), for writing.
    pub(crate) fn part_mut(&mut self, range: &Option<Range<usize>>) -> JsResult<BufMut<'_>> {
        Ok(by_variant!(self, v => BufMut(part_mut(v, range)?)))
    }

    /// The elements in `read` and, for writing, those in `write`; `None`
    /// when the two ranges overlap.
    pub(crate) fn split(
        &mut self,
        read: Range<usize>,
        write: Range<usize>,
    ) -> Option<(BufRef<'_>, BufMut<'_>)> {
        macro_rules! split {
            ($($var:ident),*) => {
                match self {
                    $(Buf::$var(v) => {
                        let (r, w) = disjoint(v, read, write)?;
                        (BufRef::$var(r), BufMut::$var(w))
                    })*
                }
            };
        }
        Some(split!(U8, I8, U16, I16, U32, I32, F32, F64, F16, BF16))
    }
}

impl BufRef<'_> {
    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        each!(BufRef, self, v => v.len())
    }

    /// A copy in a new buffer.
    pub(crate) fn to_buf(self) -> JsResult<Buf> {
        Ok(each!(BufRef, self, v => {
            let mut out = zeroed(v.len())?;
            out.copy_from_slice(v);
            Stored::wrap(out)
        }))
    }
}

impl BufMut<'_> {
    /// Number of elements.
    pub(crate) fn len(&self) -> usize {
        each!(BufMut, self, v => v.len())
    }
}
