//! numpy dtypes and patch-core's element types.

use numpy::{PyArrayDescr, PyArrayDescrMethods};
use patch_core::{DType, ErrorKind};
use pyo3::prelude::*;

use crate::error::{Result, error};

/// The patch-core element type of a numpy dtype: the native-byte-order
/// `uint8` .. `uint64`, `int8` .. `int64`, `float32` and `float64`.
/// Views (`windows`, `tiles`) take every dtype; copies and folds these.
pub(crate) fn core_dtype(descr: &Bound<'_, PyArrayDescr>) -> Result<DType> {
    let unsupported = || {
        let name = descr
            .str()
            .map_or_else(|_| "?".to_string(), |s| s.to_string());
        error(
            ErrorKind::UnsupportedDtype,
            format!(
                "dtype {name} is not supported by copies and folds (uint8..uint64, int8..int64, float32, float64 in native byte order)"
            ),
        )
    };
    if descr.is_native_byteorder() == Some(false) || descr.has_fields() || descr.has_subarray() {
        return Err(unsupported());
    }
    Ok(match (descr.kind(), descr.itemsize()) {
        (b'u', 1) => DType::U8,
        (b'u', 2) => DType::U16,
        (b'u', 4) => DType::U32,
        (b'u', 8) => DType::U64,
        (b'i', 1) => DType::I8,
        (b'i', 2) => DType::I16,
        (b'i', 4) => DType::I32,
        (b'i', 8) => DType::I64,
        (b'f', 4) => DType::F32,
        (b'f', 8) => DType::F64,
        _ => return Err(unsupported()),
    })
}

/// `numpy.dtype(obj)`: a dtype from anything numpy takes (`np.float32`,
/// `'uint8'`, a dtype).
pub(crate) fn to_descr<'py>(obj: &Bound<'py, PyAny>) -> Result<Bound<'py, PyArrayDescr>> {
    Ok(PyArrayDescr::new(obj.py(), obj)?)
}

/// Runs `$body` with `$T` the Rust type of the patch-core `DType` `$d`.
macro_rules! with_type {
    ($d:expr, $T:ident => $body:expr) => {
        match $d {
            patch_core::DType::U8 => {
                type $T = u8;
                $body
            }
            patch_core::DType::I8 => {
                type $T = i8;
                $body
            }
            patch_core::DType::U16 => {
                type $T = u16;
                $body
            }
            patch_core::DType::I16 => {
                type $T = i16;
                $body
            }
            patch_core::DType::U32 => {
                type $T = u32;
                $body
            }
            patch_core::DType::I32 => {
                type $T = i32;
                $body
            }
            patch_core::DType::U64 => {
                type $T = u64;
                $body
            }
            patch_core::DType::I64 => {
                type $T = i64;
                $body
            }
            patch_core::DType::F32 => {
                type $T = f32;
                $body
            }
            patch_core::DType::F64 => {
                type $T = f64;
                $body
            }
            other => {
                return Err($crate::error::error(
                    patch_core::ErrorKind::UnsupportedDtype,
                    format!("dtype {} is not supported here", other.name()),
                ))
            }
        }
    };
}
pub(crate) use with_type;
