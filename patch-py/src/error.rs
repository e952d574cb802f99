//! `PatchError`: patch-core's error in Python, a `ValueError` with the
//! engine's kind and message.

use patch_core::ErrorKind;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pyo3::create_exception!(
    stridepatch,
    PatchError,
    PyValueError,
    "A bad geometry, argument or buffer, as patch-core reports it.

A ``ValueError``: ``str(e)`` is the engine's message, which starts with
the kind and quotes the numbers (``window too large: window 5 (extent 9
with dilation 2) is larger than axis 0 of length 8``). ``e.kind`` is the
kind's name (``'window too large'``, ``'aliasing'``, ...) and ``e.code``
its fixed number, the same as the C library's ``patch_status`` and the
JavaScript ``kind``. Wrong argument types raise ``TypeError`` instead."
);

/// The error of every function of the extension: an engine error (turned
/// into a `PatchError` with its kind), or a Python exception as it is.
pub(crate) enum Error {
    Patch(patch_core::PatchError),
    Py(PyErr),
}

/// The result of every function of the extension.
pub(crate) type Result<T> = std::result::Result<T, Error>;

impl From<patch_core::PatchError> for Error {
    fn from(e: patch_core::PatchError) -> Self {
        Error::Patch(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Py(e)
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        match e {
            Error::Py(e) => e,
            Error::Patch(e) => Python::attach(|py| {
                let err = PatchError::new_err(e.to_string());
                let value = err.value(py);
                // Setting attributes on a fresh exception instance cannot
                // fail short of running out of memory; the error then
                // still carries the message.
                let _ = value.setattr("kind", e.kind().name());
                let _ = value.setattr("code", e.kind().code());
                err
            }),
        }
    }
}

/// A binding-side error of `kind` (an argument outside its domain that only
/// Python can pass: a negative size, an unknown mode name, ...).
pub(crate) fn error(kind: ErrorKind, message: impl Into<String>) -> Error {
    Error::Patch(patch_core::PatchError::new(kind, message))
}

/// `error(InvalidArgument, ...)`.
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    error(ErrorKind::InvalidArgument, message)
}

/// A `TypeError`: an argument of the wrong Python type.
pub(crate) fn type_error(message: impl Into<String>) -> Error {
    Error::Py(pyo3::exceptions::PyTypeError::new_err(message.into()))
}
