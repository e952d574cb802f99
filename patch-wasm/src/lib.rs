//! WebAssembly bindings over patch-core (being built).
