//! Checked conversions between JavaScript numbers (`f64`) and Rust
//! integers: the one place a double becomes an integer or back, so that
//! no `as` cast of a number a caller passes appears anywhere else (the
//! crate denies the lossy-cast lints).

/// The largest integer a double holds exactly with all smaller ones
/// (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// `n` as an integer, when it is an integer of magnitude at most
/// [`MAX_SAFE`] (NaN, infinities and fractions give `None`).
pub fn exact_int(n: f64) -> Option<i64> {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        // Exact: an integer of magnitude at most 2^53 - 1 is an i64 unchanged.
        #[allow(clippy::cast_possible_truncation)]
        Some(n as i64)
    } else {
        None
    }
}

/// `n` as an integer of type `T`, when it is an exact integer in `T`'s range.
pub fn exact<T: TryFrom<i64>>(n: f64) -> Option<T> {
    exact_int(n).and_then(|v| T::try_from(v).ok())
}

/// `n` rounded to the nearest `f32` (IEEE 754, as `Float32Array` stores
/// it): the conversion JavaScript itself makes; only a finite value beyond
/// `f32::MAX` loses more than rounding (it becomes an infinity).
pub fn to_f32(n: f64) -> f32 {
    #[allow(clippy::cast_possible_truncation)]
    let rounded = n as f32;
    rounded
}

/// `n` rounded to nearest (even) in the float dtype `dtype` and back to a
/// double (`n` itself for float64 and the integer dtypes): what a fill of
/// that dtype stores.
pub fn round_to(dtype: crate::dtype::JsDType, n: f64) -> f64 {
    use crate::dtype::JsDType;
    match dtype {
        JsDType::Float32 => f64::from(to_f32(n)),
        JsDType::Float16 => half::f16::from_f64(n).to_f64(),
        JsDType::BFloat16 => half::bf16::from_f64(n).to_f64(),
        _ => n,
    }
}

/// `v` as a JavaScript number: exact below 2^53, which every wasm32 value
/// is; rounded to nearest above it (a 64-bit host only).
pub fn from_usize(v: usize) -> f64 {
    if let Ok(small) = u32::try_from(v) {
        return f64::from(small);
    }
    let v = u64::try_from(v).unwrap_or(u64::MAX);
    let hi = u32::try_from(v >> 32).unwrap_or(u32::MAX);
    let lo = u32::try_from(v & u64::from(u32::MAX)).unwrap_or(0);
    // hi * 2^32 is exact; the sum rounds once.
    f64::from(hi) * 4_294_967_296.0 + f64::from(lo)
}

/// `v` as a JavaScript number, as [`from_usize`] for its magnitude.
pub fn from_isize(v: isize) -> f64 {
    let magnitude = from_usize(v.unsigned_abs());
    if v < 0 { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_integers_convert() {
        assert_eq!(exact_int(3.0), Some(3));
        assert_eq!(exact_int(-MAX_SAFE), Some(-9_007_199_254_740_991));
        for bad in [
            0.5,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            MAX_SAFE + 1.0,
            1e300,
        ] {
            assert_eq!(exact_int(bad), None, "{bad}");
        }
        assert_eq!(exact::<u8>(255.0), Some(255));
        assert_eq!(exact::<u8>(256.0), None);
        assert_eq!(exact::<u32>(-1.0), None);
        assert_eq!(exact::<usize>(4_294_967_295.0), Some(4_294_967_295));
        assert_eq!(to_f32(0.1), 0.1f32);
        assert!(to_f32(1e300).is_infinite());
    }

    #[test]
    fn sizes_become_numbers_exactly_below_two_to_the_53() {
        // The values that fit this target's usize (wasm32: the first three).
        let values = [0u64, 1, 4_294_967_295, 4_294_967_296, (1 << 53) - 1];
        for v in values.into_iter().filter_map(|v| usize::try_from(v).ok()) {
            assert_eq!(exact::<usize>(from_usize(v)), Some(v));
        }
        // usize::MAX is a double exactly on wasm32, rounds up to 2^64 on 64 bits.
        let max = if usize::BITS == 32 {
            4_294_967_295.0
        } else {
            exact_max(64)
        };
        assert_eq!(from_usize(usize::MAX), max);
        assert_eq!(from_isize(-5), -5.0);
        assert_eq!(from_isize(isize::MIN), -exact_max(usize::BITS - 1));
    }

    /// 2^bits as a double (exact).
    fn exact_max(bits: u32) -> f64 {
        (0..bits).fold(1.0, |acc, _| acc * 2.0)
    }
}
