//! Gives libpatch.so its SONAME, `libpatch.so.MAJOR` from the crate's
//! (the workspace's) version, on ELF systems, so that programs linked with
//! `-lpatch` record `libpatch.so.MAJOR` and keep working across the
//! compatible releases installed as `libpatch.so.MAJOR.MINOR.PATCH`
//! (patch-ffi/install.sh makes the links).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux"
            | "android"
            | "freebsd"
            | "netbsd"
            | "openbsd"
            | "dragonfly"
            | "illumos"
            | "solaris"
    );
    if elf {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpatch.so.{major}");
    }
}
