//! C ABI over patch-core (being built).
