//! Small N-d array types: strided views into a slice, and an owned
//! C-contiguous array for results.

use crate::error::{Result, bail};
use crate::layout::c_strides;

/// A read-only N-d strided view into a slice (one patch, or a whole patch view).
///
/// Every index reachable through `shape` and `strides` from `offset` is
/// inside `data`; the constructors that hand these out guarantee it.
#[derive(Clone, Debug)]
pub struct ArrayView<'a, T> {
    data: &'a [T],
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

/// Buffer index of `index` under `shape`/`strides`/`offset`, or `None` when
/// an index is out of range or the rank differs.
fn locate(shape: &[usize], strides: &[isize], offset: usize, index: &[usize]) -> Option<usize> {
    if index.len() != shape.len() {
        return None;
    }
    let mut at = offset as isize;
    for ((&i, &n), &s) in index.iter().zip(shape).zip(strides) {
        if i >= n {
            return None;
        }
        at += i as isize * s;
    }
    Some(at as usize)
}

/// Calls `f` with the buffer index of every element in C order.
fn for_each_index(shape: &[usize], strides: &[isize], offset: usize, mut f: impl FnMut(usize)) {
    if shape.contains(&0) {
        return;
    }
    let mut idx = vec![0usize; shape.len()];
    let mut at = offset as isize;
    loop {
        f(at as usize);
        let mut m = shape.len();
        loop {
            if m == 0 {
                return;
            }
            m -= 1;
            idx[m] += 1;
            at = at.wrapping_add(strides[m]);
            if idx[m] < shape[m] {
                break;
            }
            at = at.wrapping_sub(strides[m].wrapping_mul(shape[m] as isize));
            idx[m] = 0;
        }
    }
}

impl<'a, T: Copy> ArrayView<'a, T> {
    /// A view after its geometry was checked against `data` by the caller.
    pub(crate) fn from_checked(
        data: &'a [T],
        shape: Vec<usize>,
        strides: Vec<isize>,
        offset: usize,
    ) -> Self {
        ArrayView {
            data,
            shape,
            strides,
            offset,
        }
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Element offset of index `[0, 0, ...]` in the underlying slice.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element at `index`, or `None` when it is out of range.
    pub fn get(&self, index: &[usize]) -> Option<&'a T> {
        let at = locate(&self.shape, &self.strides, self.offset, index)?;
        self.data.get(at)
    }

    /// The elements in C (row-major) order.
    pub fn to_vec(&self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        for_each_index(&self.shape, &self.strides, self.offset, |i| {
            out.push(self.data[i])
        });
        out
    }

    /// Calls `f` on every element in C order.
    pub fn for_each(&self, mut f: impl FnMut(&'a T)) {
        let data = self.data;
        for_each_index(&self.shape, &self.strides, self.offset, |i| f(&data[i]));
    }
}

/// A writable N-d strided view into a slice, handed out only where no two
/// indices reach the same element.
#[derive(Debug)]
pub struct ArrayViewMut<'a, T> {
    data: &'a mut [T],
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

impl<'a, T: Copy> ArrayViewMut<'a, T> {
    pub(crate) fn from_checked(
        data: &'a mut [T],
        shape: Vec<usize>,
        strides: Vec<isize>,
        offset: usize,
    ) -> Self {
        ArrayViewMut {
            data,
            shape,
            strides,
            offset,
        }
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// The element at `index`, or `None` when it is out of range.
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        let at = locate(&self.shape, &self.strides, self.offset, index)?;
        self.data.get(at)
    }

    /// The element at `index` for writing, or `None` when it is out of range.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let at = locate(&self.shape, &self.strides, self.offset, index)?;
        self.data.get_mut(at)
    }

    /// Sets every element to `value`.
    pub fn fill(&mut self, value: T) {
        let data = &mut *self.data;
        for_each_index(&self.shape, &self.strides, self.offset, |i| data[i] = value);
    }

    /// Calls `f` on every element in C order.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut T)) {
        let data = &mut *self.data;
        for_each_index(&self.shape, &self.strides, self.offset, |i| f(&mut data[i]));
    }

    /// Writes `values` (C order, one per element) into the view.
    pub fn assign(&mut self, values: &[T]) -> Result<()> {
        let n: usize = self.shape.iter().product();
        if values.len() != n {
            bail!(
                BufferTooSmall,
                "{} values given for a view of {n} elements",
                values.len()
            );
        }
        let data = &mut *self.data;
        let mut it = values.iter();
        for_each_index(&self.shape, &self.strides, self.offset, |i| {
            if let Some(&v) = it.next() {
                data[i] = v;
            }
        });
        Ok(())
    }

    /// The elements in C order.
    pub fn to_vec(&self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.shape.iter().product());
        for_each_index(&self.shape, &self.strides, self.offset, |i| {
            out.push(self.data[i])
        });
        out
    }
}

/// An owned C-contiguous N-d array: what copying functions return.
#[derive(Clone, Debug, PartialEq)]
pub struct Array<T> {
    shape: Vec<usize>,
    data: Vec<T>,
}

impl<T: Copy> Array<T> {
    /// An array from its shape and C-order data.
    pub fn from_vec(shape: Vec<usize>, data: Vec<T>) -> Result<Self> {
        let n = crate::layout::checked_product(&shape, "element count")?;
        if n != data.len() {
            bail!(
                BufferTooSmall,
                "shape {shape:?} holds {n} elements but {} were given",
                data.len()
            );
        }
        Ok(Array { shape, data })
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The elements in C order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements in C order, mutable.
    pub fn data_mut(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The elements, giving up the shape.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// A strided view of the whole array.
    pub fn view(&self) -> ArrayView<'_, T> {
        // C strides of a shape whose element count fits cannot overflow.
        let strides = c_strides(&self.shape).unwrap_or_else(|_| vec![0; self.shape.len()]);
        ArrayView::from_checked(&self.data, self.shape.clone(), strides, 0)
    }
}
