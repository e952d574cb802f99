//! Small N-d array types: strided views into a slice ([`NdView`],
//! [`NdViewMut`]) and an owned C-contiguous array for results
//! ([`NdArray`]); their elements are walked in C order by the crate's
//! odometer.
//!
//! They are named so that they never collide with ndarray's `Array` and
//! `ArrayView` in a file that uses both.

use std::ops::{Index, IndexMut};

use crate::error::{Result, Short, bail};
use crate::layout::{c_strides, checked_product};
use crate::odometer::Offsets;

/// Buffer index of `index` under `shape`/`strides`/`offset`, or `None` when
/// a coordinate is out of range or the rank differs.
fn locate(shape: &[usize], strides: &[isize], offset: usize, index: &[usize]) -> Option<usize> {
    let at = crate::layout::locate(shape, strides, offset, index).ok()?;
    usize::try_from(at).ok()
}

/// The elements of an [`NdView`] or [`NdViewMut`] in C order, from
/// [`NdView::iter`].
#[derive(Clone, Debug)]
pub struct NdIter<'v, T> {
    data: &'v [T],
    offsets: Offsets,
}

impl<'v, T> Iterator for NdIter<'v, T> {
    type Item = &'v T;

    #[inline]
    fn next(&mut self) -> Option<&'v T> {
        self.offsets.next().map(|i| &self.data[i])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.offsets.size_hint()
    }
}

impl<T> ExactSizeIterator for NdIter<'_, T> {}

/// The panic of `Index` on a bad index, worded like a slice's.
#[cold]
#[track_caller]
fn bad_index(index: &[usize], shape: &[usize]) -> ! {
    panic!(
        "index {} is out of bounds for an array of shape {}",
        Short(index),
        Short(shape)
    )
}

/// A read-only N-d strided view into a slice (one patch, or a whole patch
/// view).
///
/// Every index reachable through `shape` and `strides` from `offset` is
/// inside the slice; the constructors that hand these out guarantee it.
///
/// ```
/// use patch_core::{NdArray, PatchSpec, PatchView};
///
/// let x: Vec<u8> = (0..16).collect();
/// let view = PatchView::contiguous(&x, &[4, 4], &PatchSpec::tiles(&[2, 2])).unwrap();
/// let p = view.patch(1).unwrap(); // grid cell (0, 1)
/// assert_eq!(p.shape(), &[2, 2]);
/// assert_eq!(p[[1, 0]], 6);
/// assert_eq!(p.iter().copied().collect::<Vec<_>>(), [2, 3, 6, 7]);
/// assert_eq!(p, NdArray::from_vec(vec![2, 2], vec![2, 3, 6, 7]).unwrap());
/// ```
#[derive(Clone, Debug)]
pub struct NdView<'a, T> {
    data: &'a [T],
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

impl<'a, T: Copy> NdView<'a, T> {
    /// A view after its geometry was checked against `data` by the caller.
    pub(crate) fn from_checked(
        data: &'a [T],
        shape: Vec<usize>,
        strides: Vec<isize>,
        offset: usize,
    ) -> Self {
        NdView {
            data,
            shape,
            strides,
            offset,
        }
    }

    /// The whole slice the view reads from (its elements are at `offset`
    /// plus the strides), for the conversions to other array types.
    #[cfg(feature = "ndarray")]
    pub(crate) fn backing(&self) -> &'a [T] {
        self.data
    }

    /// The element at `index`, or `None` when it is out of range (the
    /// checked form of indexing).
    pub fn get(&self, index: &[usize]) -> Option<&'a T> {
        let at = locate(&self.shape, &self.strides, self.offset, index)?;
        self.data.get(at)
    }

    /// Calls `f` on every element in C order.
    pub fn for_each(&self, mut f: impl FnMut(&'a T)) {
        let data = self.data;
        for i in Offsets::new(&self.shape, &self.strides, self.offset) {
            f(&data[i]);
        }
    }
}

/// A writable N-d strided view into a slice, handed out only where no two
/// indices reach the same element.
#[derive(Debug)]
pub struct NdViewMut<'a, T> {
    data: &'a mut [T],
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

impl<'a, T: Copy> NdViewMut<'a, T> {
    pub(crate) fn from_checked(
        data: &'a mut [T],
        shape: Vec<usize>,
        strides: Vec<isize>,
        offset: usize,
    ) -> Self {
        NdViewMut {
            data,
            shape,
            strides,
            offset,
        }
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

    /// A read-only view of the same elements.
    pub fn view(&self) -> NdView<'_, T> {
        NdView::from_checked(
            self.data,
            self.shape.clone(),
            self.strides.clone(),
            self.offset,
        )
    }

    /// Sets every element to `value`.
    pub fn fill(&mut self, value: T) {
        self.for_each_mut(|v| *v = value);
    }

    /// Calls `f` on every element in C order.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(&mut T)) {
        let NdViewMut {
            data,
            shape,
            strides,
            offset,
        } = self;
        for i in Offsets::new(shape, strides, *offset) {
            f(&mut data[i]);
        }
    }

    /// Writes `values` (C order, one per element) into the view.
    pub fn assign(&mut self, values: &[T]) -> Result<()> {
        if values.len() != self.len() {
            bail!(
                BufferSize,
                "{} values given for a view of {} elements",
                values.len(),
                self.len()
            );
        }
        let mut it = values.iter();
        self.for_each_mut(|d| {
            if let Some(&v) = it.next() {
                *d = v;
            }
        });
        Ok(())
    }
}

/// The read-only methods the two strided views share, written once.
macro_rules! view_methods {
    ($($ty:ident),*) => {$(
        impl<T: Copy> $ty<'_, T> {
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

            /// The elements in C (row-major) order, whatever the strides.
            pub fn iter(&self) -> NdIter<'_, T> {
                NdIter {
                    data: &*self.data,
                    offsets: Offsets::new(&self.shape, &self.strides, self.offset),
                }
            }

            /// The elements in C order, copied into a vector.
            pub fn to_vec(&self) -> Vec<T> {
                self.iter().copied().collect()
            }
        }
    )*};
}
view_methods!(NdView, NdViewMut);

/// An owned C-contiguous N-d array: what copies and folds return.
///
/// ```
/// use patch_core::NdArray;
///
/// let a = NdArray::from_vec(vec![2, 3], vec![0, 1, 2, 3, 4, 5]).unwrap();
/// assert_eq!((a.shape(), a.strides(), a.len()), (&[2, 3][..], &[3, 1][..], 6));
/// assert_eq!(a[[1, 2]], 5);
/// assert_eq!(a.iter().sum::<i32>(), 15);
/// assert_eq!(a.view(), a);
/// ```
#[derive(Clone, Debug)]
pub struct NdArray<T> {
    shape: Vec<usize>,
    strides: Vec<isize>,
    data: Vec<T>,
}

impl<T: Copy> NdArray<T> {
    /// An array from its shape and C-order data; `data` must hold exactly
    /// the shape's element count.
    pub fn from_vec(shape: Vec<usize>, data: Vec<T>) -> Result<Self> {
        let n = checked_product(&shape, "element count")?;
        if n != data.len() {
            bail!(
                BufferSize,
                "shape {} holds {n} elements but {} were given",
                Short(&shape),
                data.len()
            );
        }
        let strides = c_strides(&shape)?;
        Ok(NdArray {
            shape,
            strides,
            data,
        })
    }

    /// Length of every axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides: C-contiguous.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Element offset of index `[0, 0, ...]` in [`data`](Self::data): 0.
    pub fn offset(&self) -> usize {
        0
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The element at `index`, or `None` when it is out of range.
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        let at = locate(&self.shape, &self.strides, 0, index)?;
        self.data.get(at)
    }

    /// The element at `index` for writing, or `None` when it is out of range.
    pub fn get_mut(&mut self, index: &[usize]) -> Option<&mut T> {
        let at = locate(&self.shape, &self.strides, 0, index)?;
        self.data.get_mut(at)
    }

    /// The elements in C order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }

    /// The elements in C order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements in C order, mutable.
    pub fn data_mut(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The elements in C order, copied into a vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.data.clone()
    }

    /// The elements, giving up the shape.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// A strided view of the whole array.
    pub fn view(&self) -> NdView<'_, T> {
        NdView::from_checked(&self.data, self.shape.clone(), self.strides.clone(), 0)
    }
}

impl<'a, T: Copy> IntoIterator for &'a NdArray<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

impl<'v, T: Copy> IntoIterator for &'v NdView<'_, T> {
    type Item = &'v T;
    type IntoIter = NdIter<'v, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// `Index` by `&[usize]`, `[usize; N]` and `&[usize; N]`, panicking like a
/// slice on a bad index (`get` is the checked form).
macro_rules! index_impls {
    ($($ty:ident $(<$lt:lifetime>)?),*) => {$(
        impl<$($lt,)? T: Copy> Index<&[usize]> for $ty<$($lt,)? T> {
            type Output = T;
            #[track_caller]
            fn index(&self, index: &[usize]) -> &T {
                self.get(index).unwrap_or_else(|| bad_index(index, self.shape()))
            }
        }
        impl<$($lt,)? T: Copy, const N: usize> Index<[usize; N]> for $ty<$($lt,)? T> {
            type Output = T;
            #[track_caller]
            fn index(&self, index: [usize; N]) -> &T {
                &self[&index[..]]
            }
        }
        impl<$($lt,)? T: Copy, const N: usize> Index<&[usize; N]> for $ty<$($lt,)? T> {
            type Output = T;
            #[track_caller]
            fn index(&self, index: &[usize; N]) -> &T {
                &self[&index[..]]
            }
        }
    )*};
}
index_impls!(NdView<'a>, NdViewMut<'a>, NdArray);

/// `IndexMut` by the same index types, for the writable array types.
macro_rules! index_mut_impls {
    ($($ty:ident $(<$lt:lifetime>)?),*) => {$(
        impl<$($lt,)? T: Copy> IndexMut<&[usize]> for $ty<$($lt,)? T> {
            #[track_caller]
            fn index_mut(&mut self, index: &[usize]) -> &mut T {
                let at = locate(&self.shape, &self.strides, self.offset(), index);
                match at {
                    Some(at) => &mut self.data[at],
                    None => bad_index(index, &self.shape),
                }
            }
        }
        impl<$($lt,)? T: Copy, const N: usize> IndexMut<[usize; N]> for $ty<$($lt,)? T> {
            #[track_caller]
            fn index_mut(&mut self, index: [usize; N]) -> &mut T {
                &mut self[&index[..]]
            }
        }
        impl<$($lt,)? T: Copy, const N: usize> IndexMut<&[usize; N]> for $ty<$($lt,)? T> {
            #[track_caller]
            fn index_mut(&mut self, index: &[usize; N]) -> &mut T {
                &mut self[&index[..]]
            }
        }
    )*};
}
index_mut_impls!(NdViewMut<'a>, NdArray);

/// Equality by shape and elements in C order, whatever the strides, between
/// any two of the array types.
macro_rules! eq_impls {
    ($($a:ident $(<$la:lifetime>)? == $b:ident $(<$lb:lifetime>)?;)*) => {$(
        impl<$($la,)? $($lb,)? T: Copy + PartialEq> PartialEq<$b<$($lb,)? T>> for $a<$($la,)? T> {
            fn eq(&self, other: &$b<$($lb,)? T>) -> bool {
                self.shape() == other.shape() && self.iter().eq(other.iter())
            }
        }
    )*};
}
eq_impls! {
    NdArray == NdArray;
    NdArray == NdView<'b>;
    NdArray == NdViewMut<'b>;
    NdView<'a> == NdArray;
    NdView<'a> == NdView<'b>;
    NdView<'a> == NdViewMut<'b>;
    NdViewMut<'a> == NdArray;
    NdViewMut<'a> == NdView<'b>;
    NdViewMut<'a> == NdViewMut<'b>;
}

impl<T: Copy + Eq> Eq for NdArray<T> {}
impl<T: Copy + Eq> Eq for NdView<'_, T> {}
impl<T: Copy + Eq> Eq for NdViewMut<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_walk_c_order_through_any_strides() {
        // A 2x3 array stored transposed and flipped along its rows.
        let data = [0, 1, 2, 3, 4, 5];
        let strides = [-1, 2];
        let v = NdView::from_checked(&data[..], vec![2, 3], strides.to_vec(), 1);
        assert_eq!(v.to_vec(), [1, 3, 5, 0, 2, 4]);
        assert_eq!(v.iter().len(), 6);
        // Rank 0 has one element; an empty axis none.
        let scalar = NdView::from_checked(&data[..], vec![], vec![], 4);
        assert_eq!(scalar.to_vec(), [4]);
        assert!(
            NdView::from_checked(&data[..], vec![3, 0], vec![1, 1], 0)
                .iter()
                .next()
                .is_none()
        );
    }

    #[test]
    fn equality_is_by_shape_and_c_order_elements() {
        let data = [1, 2, 3, 4];
        let a = NdArray::from_vec(vec![2, 2], vec![1, 3, 2, 4]).unwrap();
        // The transpose of `data` as a view equals `a`.
        let t = NdView::from_checked(&data[..], vec![2, 2], vec![1, 2], 0);
        assert_eq!(t, a);
        assert_eq!(a, t);
        assert_eq!(t, t.clone());
        // Same elements, other shape: not equal.
        let flat = NdArray::from_vec(vec![4], vec![1, 3, 2, 4]).unwrap();
        assert_ne!(flat, a);
        assert_ne!(t, flat);
        let mut m = [1, 3, 2, 4];
        let w = NdViewMut::from_checked(&mut m[..], vec![2, 2], vec![2, 1], 0);
        assert_eq!(w, a);
        assert_eq!(w, t);
    }

    #[test]
    fn indexing_reads_and_writes_and_panics_like_a_slice() {
        let mut a = NdArray::from_vec(vec![2, 3], (0..6).collect()).unwrap();
        assert_eq!((a[[1, 1]], a[&[0, 2]], a[&[1usize, 0][..]]), (4, 2, 3));
        a[[0, 1]] = 10;
        assert_eq!(a.data(), &[0, 10, 2, 3, 4, 5]);
        assert_eq!(a.get(&[2, 0]), None);
        assert_eq!(a.get(&[0]), None);
        let mut buf = [0u8; 6];
        let mut w = NdViewMut::from_checked(&mut buf[..], vec![3, 2], vec![1, 3], 0);
        w[[2, 1]] = 7;
        assert_eq!(buf, [0, 0, 0, 0, 0, 7]);
        let caught = std::panic::catch_unwind(|| a[[0, 3]]).unwrap_err();
        assert_eq!(
            caught.downcast_ref::<String>().unwrap(),
            "index [0, 3] is out of bounds for an array of shape [2, 3]"
        );
        let sum: i32 = (&a).into_iter().sum();
        assert_eq!(sum, 24);
    }

    #[test]
    fn writable_views_fill_assign_and_check_lengths() {
        let mut buf = [0i32; 6];
        let mut w = NdViewMut::from_checked(&mut buf[..], vec![2, 2], vec![3, 1], 1);
        w.assign(&[1, 2, 3, 4]).unwrap();
        assert_eq!(w.to_vec(), [1, 2, 3, 4]);
        let e = w.assign(&[1, 2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "buffer size: 3 values given for a view of 4 elements"
        );
        w.fill(9);
        assert_eq!(w.view().iter().sum::<i32>(), 36);
        assert_eq!(buf, [0, 9, 9, 0, 9, 9]);
        let e = NdArray::from_vec(vec![2, 2], vec![1]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "buffer size: shape [2, 2] holds 4 elements but 1 were given"
        );
    }
}
