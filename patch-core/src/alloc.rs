//! Fallible allocation. Every buffer whose size a caller decides (a copy,
//! a fold's accumulators, a plan's per-axis lists for 200,000 axes) is
//! reserved with `try_reserve`, so running out of memory is an
//! [`Allocation`](crate::ErrorKind::Allocation) error, never an abort.

use crate::error::{Result, allocation};

/// An empty vector with room for `n` elements.
pub(crate) fn try_with_capacity<T>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| allocation::<T>(n))?;
    Ok(v)
}

/// A vector of `n` default (zero) elements.
pub(crate) fn try_zeroed<T: Copy + Default>(n: usize) -> Result<Vec<T>> {
    let mut v = try_with_capacity(n)?;
    v.resize(n, T::default());
    Ok(v)
}

/// The elements of `iter`, which yields `n` of them.
pub(crate) fn try_collect_n<T>(n: usize, iter: impl Iterator<Item = T>) -> Result<Vec<T>> {
    let mut v = try_with_capacity(n)?;
    v.extend(iter.take(n));
    Ok(v)
}

/// The elements of `iter`, which says exactly how many it yields.
pub(crate) fn try_collect<T>(iter: impl ExactSizeIterator<Item = T>) -> Result<Vec<T>> {
    try_collect_n(iter.len(), iter)
}

/// A copy of `s`.
pub(crate) fn try_to_vec<T: Clone>(s: &[T]) -> Result<Vec<T>> {
    try_collect(s.iter().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn impossible_sizes_are_allocation_errors() {
        let e = try_zeroed::<u64>(usize::MAX / 4).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Allocation);
        assert_eq!(
            e.to_string(),
            format!(
                "allocation: cannot allocate {} elements of 8 bytes",
                usize::MAX / 4
            )
        );
        assert_eq!(try_zeroed::<u8>(3).unwrap(), [0, 0, 0]);
        assert_eq!(try_to_vec(&[1, 2]).unwrap(), [1, 2]);
        assert_eq!(try_collect(0..3).unwrap(), [0, 1, 2]);
    }
}
