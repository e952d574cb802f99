//! Helpers shared by the property tests.

/// The number of cases of a property test: `PROPTEST_CASES` when set (for
/// long campaigns), else `default`.
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
