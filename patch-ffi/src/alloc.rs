//! Fallible allocation: every allocation of this crate whose size a caller
//! chooses (one entry per axis, ...) goes through [`try_vec`], so that a
//! request the allocator refuses is `PATCH_STATUS_ALLOCATION`, not an abort.

use crate::ptr::{Failure, FfiResult};
use crate::status::patch_status;

/// An empty vector with room for exactly `n` entries, or an allocation
/// failure naming `what`.
pub(crate) fn try_vec<T>(n: usize, what: &str) -> FfiResult<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        Failure::new(
            patch_status::Allocation,
            format!(
                "cannot allocate {what}: {n} entries of {} bytes",
                size_of::<T>()
            ),
        )
    })?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_request_is_an_allocation_failure() {
        let e = try_vec::<u64>(usize::MAX / 4, "the test").unwrap_err();
        assert_eq!(e.status, patch_status::Allocation);
        assert!(
            e.message
                .starts_with("allocation: cannot allocate the test: "),
            "{}",
            e.message
        );
        assert!(try_vec::<u64>(3, "x").unwrap().capacity() >= 3);
    }
}
