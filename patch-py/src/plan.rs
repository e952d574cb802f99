//! `stridepatch.Plan`: a geometry made once and applied to many arrays.
//!
//! It holds the spec and padding and patch-core plans for the layouts it
//! has seen: the C-contiguous layout of its shape and dtype, made with it,
//! and the last few others (another dtype for a fold, a strided input).
//! A call whose array has one of those layouts does no planning at all.

use std::sync::{Arc, Mutex};

use numpy::{PyArrayDescr, PyArrayDescrMethods, PyUntypedArrayMethods};
use patch_core::{AxisRole, Layout, PatchOrder, Plan};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::args;
use crate::copy;
use crate::dtype::to_descr;
use crate::error::{Result, invalid};
use crate::geometry::{Geometry, GeometryArgs};
use crate::input::{Input, as_array};
use crate::view;

/// Plans kept besides the C-contiguous one.
const CACHED_LAYOUTS: usize = 4;

/// A patch geometry over arrays of one shape, made once and applied to
/// many arrays: the per-call cost of a copy is then the copy alone.
///
/// ``Plan(x, window_shape, axis=None, *, step=1, dilation=1, whole=None,
/// padding='valid', mode='constant', dtype=None)`` takes the shape and
/// dtype of the array ``x`` (or ``x`` is a shape, and ``dtype`` defaults
/// to float64, like ``numpy.empty``); the other arguments are those of
/// :func:`extract`. Its methods take arrays of that shape (any dtype, any
/// strides: a new layout is planned once and kept).
///
/// >>> import numpy as np, stridepatch as sp
/// >>> plan = sp.Plan((224, 224, 3), (16, 16), step=16, whole=-1, dtype=np.uint8)
/// >>> plan.shape, plan.num_patches, plan.patch_len
/// ((14, 14, 16, 16, 3), 196, 768)
/// >>> tokens = plan.extract(np.zeros((224, 224, 3), np.uint8))
/// >>> tokens.shape
/// (196, 768)
#[pyclass(name = "Plan", module = "stridepatch", frozen)]
pub(crate) struct PyPlan {
    geometry: Geometry,
    template: Arc<Plan>,
    dtype: Py<PyArrayDescr>,
    cache: Mutex<Vec<Arc<Plan>>>,
}

fn tuple<'py>(py: Python<'py>, v: &[usize]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, v)
}

impl PyPlan {
    /// The patch-core plan of this geometry over `layout` (of the plan's shape).
    fn plan_for(&self, layout: &Layout) -> Result<Arc<Plan>> {
        let shape = self.template.layout().shape();
        if layout.shape() != shape {
            return Err(invalid(format!(
                "the array has shape {} but the plan was made for shape {}",
                args::shape_text(layout.shape()),
                args::shape_text(shape)
            )));
        }
        if layout == self.template.layout() {
            return Ok(self.template.clone());
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = cache.iter().find(|p| p.layout() == layout) {
            return Ok(p.clone());
        }
        let plan = Arc::new(Plan::new(
            layout,
            &self.geometry.spec,
            &self.geometry.padding,
        )?);
        cache.insert(0, plan.clone());
        cache.truncate(CACHED_LAYOUTS);
        Ok(plan)
    }
}

#[pymethods]
impl PyPlan {
    #[new]
    #[pyo3(signature = (x, window_shape, axis=None, *, step=None, dilation=None, whole=None, padding=None, mode=None, dtype=None),
           text_signature = "(x, window_shape, axis=None, *, step=1, dilation=1, whole=None, padding='valid', mode='constant', dtype=None)")]
    #[allow(clippy::too_many_arguments)]
    fn new<'py>(
        x: &Bound<'py, PyAny>,
        window_shape: &Bound<'py, PyAny>,
        axis: Option<&Bound<'py, PyAny>>,
        step: Option<&Bound<'py, PyAny>>,
        dilation: Option<&Bound<'py, PyAny>>,
        whole: Option<&Bound<'py, PyAny>>,
        padding: Option<&Bound<'py, PyAny>>,
        mode: Option<&Bound<'py, PyAny>>,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> Result<Self> {
        let py = x.py();
        let is_shape = x.is_instance_of::<PyTuple>()
            || x.is_instance_of::<PyList>()
            || x.is_instance_of::<pyo3::types::PyInt>();
        let (input, descr) = if is_shape {
            let none = py.None().into_bound(py);
            let d = to_descr(dtype.unwrap_or(&none))?;
            let shape = args::sizes(x, "shape")?;
            (None, (shape, d))
        } else {
            let a = as_array(x, "x")?;
            let d = match dtype.filter(|d| !d.is_none()) {
                Some(d) => to_descr(d)?,
                None => a.dtype(),
            };
            let shape = a.shape().to_vec();
            (Some(Input::of(a, "x")?), (shape, d))
        };
        let (shape, descr) = descr;
        let geometry = GeometryArgs {
            window_shape,
            axis,
            step,
            dilation,
            whole,
            padding,
            mode,
        }
        .resolve(shape.len())?;
        let layout = Layout::contiguous(&shape, descr.itemsize())?;
        let template = Arc::new(Plan::new(&layout, &geometry.spec, &geometry.padding)?);
        let plan = PyPlan {
            geometry,
            template,
            dtype: descr.unbind(),
            cache: Mutex::new(Vec::new()),
        };
        if let Some(input) = input {
            plan.plan_for(&input.layout)?;
        }
        Ok(plan)
    }

    /// The patch view of ``x`` (a numpy view sharing its memory), as
    /// :func:`windows` gives it; ``PatchError`` (kind ``'not a view'``)
    /// when the plan pads or covers.
    #[pyo3(signature = (x, writeable=false))]
    fn windows<'py>(&self, x: &Bound<'py, PyAny>, writeable: bool) -> Result<Bound<'py, PyAny>> {
        let input = Input::new(x, "x")?;
        let plan = self.plan_for(&input.layout)?;
        view::view(&input, &plan, writeable)
    }

    /// Copies the patches of ``x`` as :func:`extract` does.
    #[pyo3(signature = (x, *, order=None, fill=None, dtype=None, out=None),
           text_signature = "(self, x, *, order='patch', fill=0, dtype=None, out=None)")]
    fn extract<'py>(
        &self,
        x: &Bound<'py, PyAny>,
        order: Option<&Bound<'py, PyAny>>,
        fill: Option<&Bound<'py, PyAny>>,
        dtype: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let input = Input::new(x, "x")?;
        let plan = self.plan_for(&input.layout)?;
        let order = order.map_or(Ok(PatchOrder::PatchMajor), args::order)?;
        crate::extract_with(&input, &plan, order, self.geometry.mode, fill, dtype, out)
    }

    /// Folds ``patches`` back into an array of the plan's shape as
    /// :func:`fold` does.
    #[pyo3(signature = (patches, *, reduce=None, sigma_scale=None, order=None, out=None),
           text_signature = "(self, patches, *, reduce='mean', sigma_scale=None, order='patch', out=None)")]
    fn fold<'py>(
        &self,
        patches: &Bound<'py, PyAny>,
        reduce: Option<&Bound<'py, PyAny>>,
        sigma_scale: Option<f64>,
        order: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyAny>> {
        let order = order.map_or(Ok(PatchOrder::PatchMajor), args::order)?;
        let reduce = crate::reduce_arg(reduce, sigma_scale)?;
        let shape = self.template.layout().shape();
        copy::fold(
            patches,
            |itemsize| self.plan_for(&Layout::contiguous(shape, itemsize)?),
            order,
            &reduce,
            out,
        )
    }

    /// The shape of the arrays the plan takes.
    #[getter]
    fn input_shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.template.layout().shape())
    }

    /// The dtype the plan was made for (its byte strides and sizes).
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> Bound<'py, PyArrayDescr> {
        self.dtype.bind(py).clone()
    }

    /// The shape of the patch view: outer axes (batch axes and the window
    /// grid), then inner axes (one patch).
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.template.shape())
    }

    /// The outer axes: one per batch axis and one grid axis per window axis.
    #[getter]
    fn outer_shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.template.outer_shape())
    }

    /// The shape of one patch.
    #[getter]
    fn inner_shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.template.inner_shape())
    }

    /// Windows per window axis, in input order.
    #[getter]
    fn grid<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.template.grid())
    }

    /// ``(lo, hi)`` padding per window axis, as the convention resolved it.
    #[getter]
    fn pads(&self) -> Vec<(usize, usize)> {
        self.template
            .axes()
            .iter()
            .filter(|a| matches!(a.role, AxisRole::Window(_)))
            .map(|a| (a.pad_lo, a.pad_hi))
            .collect()
    }

    /// Number of patches.
    #[getter]
    fn num_patches(&self) -> usize {
        self.template.num_patches()
    }

    /// Elements per patch.
    #[getter]
    fn patch_len(&self) -> usize {
        self.template.patch_len()
    }

    /// Whether the patches are a view (no padding is read, no window
    /// shifted): :meth:`windows` works.
    #[getter]
    fn is_view(&self) -> bool {
        self.template.is_view()
    }

    /// Byte strides of the view of a C-contiguous array, or None when the
    /// plan is not a view.
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.template
            .view_byte_strides()
            .ok()
            .map(|s| PyTuple::new(py, s))
            .transpose()
    }

    /// Bytes of an extracted copy (of the plan's dtype).
    #[getter]
    fn copy_bytes(&self) -> usize {
        self.template.copy_bytes()
    }

    /// Bytes of input memory the patches read from (what a view looks through).
    #[getter]
    fn span_bytes(&self) -> usize {
        self.template.span_bytes()
    }

    /// The shape of an extracted copy: ``(num_patches, patch_len)`` for
    /// ``order='patch'``, ``(patch_len, num_patches)`` for ``'feature'``.
    #[pyo3(signature = (order=None), text_signature = "(self, order='patch')")]
    fn copy_shape<'py>(
        &self,
        py: Python<'py>,
        order: Option<&Bound<'py, PyAny>>,
    ) -> Result<Bound<'py, PyTuple>> {
        let order = order.map_or(Ok(PatchOrder::PatchMajor), args::order)?;
        Ok(tuple(py, &self.template.copy_shape(order))?)
    }

    /// Input coordinates of the first element of patch ``k`` (C order of
    /// the outer axes), one per input axis; negative inside padding.
    fn patch_origin(&self, k: usize) -> Result<Vec<isize>> {
        Ok(self.template.patch_origin(k)?)
    }

    /// Whether patch ``k`` reads any padding.
    fn touches_padding(&self, k: usize) -> Result<bool> {
        Ok(self.template.touches_padding(k)?)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let dtype = self
            .dtype
            .bind(py)
            .str()
            .map_or_else(|_| "?".into(), |s| s.to_string());
        let t = args::shape_text;
        format!(
            "Plan(input_shape={}, dtype={dtype}, shape={}, num_patches={}, patch_len={}, is_view={})",
            t(self.template.layout().shape()),
            t(self.template.shape()),
            self.template.num_patches(),
            self.template.patch_len(),
            if self.template.is_view() {
                "True"
            } else {
                "False"
            },
        )
    }
}
