//! The argument checks of patch-wasm, built natively: the pure rules of
//! `patch_wasm::check` (names, option combinations, fill ranges, the plan
//! of a `PatchView`'s options) and the number conversions of
//! `patch_wasm::num`, on values the JavaScript side would hand them (a
//! name from the list or any string, numbers of any magnitude). The
//! `JsValue` reading itself needs a JavaScript engine (patch-wasm's Node
//! tests, hostile.test.mjs).
//!
//! Checked: nothing panics; every refusal is `invalid argument` (or the
//! plan's own error kinds) with a message naming the argument; an accepted
//! fill converts exactly; the conversions agree with their definitions;
//! an accepted view plan equals patch-core's plan of the same numbers and
//! its layout fits some buffer.
#![no_main]
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use patch_core::{AxisRole, ErrorKind, Layout, PatchSpec, Plan, Reduce, c_strides};
use patch_wasm::check::{self, FillProblem, JsDType, WindowArg};
use patch_wasm::num;

type U<'a, 'b> = &'a mut Unstructured<'b>;

/// A name: usually one of `names`, sometimes any string.
fn name(u: U, names: &[&str]) -> Option<String> {
    match u.int_in_range(0..=7u8).unwrap_or(0) {
        0 => None,
        1 => u.arbitrary::<String>().ok(),
        _ => u.choose(names).ok().map(|s| s.to_string()),
    }
}

/// A JavaScript number: an integer, a fraction, huge, or special.
fn number(u: U) -> f64 {
    match u.int_in_range(0..=6u8).unwrap_or(0) {
        0 => f64::from(u.arbitrary::<i32>().unwrap_or(0)),
        1 => u.arbitrary::<f64>().unwrap_or(0.0),
        2 => *u
            .choose(&[f64::NAN, f64::INFINITY, -f64::INFINITY, 0.0, -0.0, num::MAX_SAFE, -num::MAX_SAFE, 9_007_199_254_740_992.0, 4_294_967_295.0, 4_294_967_296.0, 3.4e38, 3.5e38, f64::MAX, f64::MIN_POSITIVE, 0.5, -0.5])
            .unwrap_or(&0.0),
        3 => f64::from(u.int_in_range(-300..=300).unwrap_or(0)),
        _ => f64::from(u.int_in_range(-2..=70000).unwrap_or(0)) + if u.arbitrary().unwrap_or(false) { 0.5 } else { 0.0 },
    }
}

fn refused(e: &patch_core::PatchError, what: &str) {
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    assert!(e.to_string().contains(what), "{e} does not name {what}");
}

fn numbers(u: U) {
    let n = number(u);
    // exact_int: exactly the integers of magnitude at most 2^53 - 1.
    let want = n.is_finite() && n.fract() == 0.0 && n.abs() <= num::MAX_SAFE;
    match num::exact_int(n) {
        Some(i) => {
            assert!(want, "{n} accepted");
            assert_eq!(i as f64, n);
            assert_eq!(num::from_isize(i as isize), n);
            if let Some(v) = num::exact::<usize>(n) {
                assert_eq!(num::from_usize(v), n);
            }
            assert_eq!(num::exact::<u8>(n).is_some(), (0.0..=255.0).contains(&n));
            assert_eq!(num::exact::<i32>(n).is_some(), (-2_147_483_648.0..=2_147_483_647.0).contains(&n));
        }
        None => assert!(!want, "{n} refused"),
    }
    let f = num::to_f32(n);
    assert!(f.is_nan() == n.is_nan());
    // from_usize is the nearest double: exact below 2^53, and monotonic.
    let v: usize = u.arbitrary().unwrap_or(0);
    let d = num::from_usize(v);
    if v < (1 << 53) {
        assert_eq!(d as usize, v);
    }
    assert!(num::from_usize(v.saturating_add(1)) >= d);
    let i: isize = u.arbitrary().unwrap_or(0);
    let d = num::from_isize(i);
    assert_eq!(d.is_sign_negative() && d != 0.0, i < 0);
    if i.unsigned_abs() < (1 << 53) {
        assert_eq!(d as isize, i);
    }
}

fn fills(u: U) {
    let names: Vec<&str> = JsDType::ALL.iter().map(|d| d.name()).collect();
    let Some(n) = name(u, &names) else { return };
    let dtype = match check::dtype(&n, "options.dtype") {
        Ok(d) => d,
        Err(e) => {
            assert!(!names.contains(&n.as_str()));
            return refused(&e, "options.dtype");
        }
    };
    assert_eq!(dtype.name(), n);
    let v = number(u);
    match check::fill_problem(dtype, v) {
        None => match dtype {
            JsDType::Float64 => {}
            JsDType::Float32 => assert!(num::to_f32(v).is_finite() || !v.is_finite()),
            JsDType::Float16 => assert!(half::f16::from_f64(v).is_finite() || !v.is_finite()),
            JsDType::BFloat16 => assert!(half::bf16::from_f64(v).is_finite() || !v.is_finite()),
            JsDType::Uint8 | JsDType::Uint8Clamped => assert_eq!(num::exact::<u8>(v).map(f64::from), Some(v)),
            JsDType::Int8 => assert_eq!(num::exact::<i8>(v).map(f64::from), Some(v)),
            JsDType::Uint16 => assert_eq!(num::exact::<u16>(v).map(f64::from), Some(v)),
            JsDType::Int16 => assert_eq!(num::exact::<i16>(v).map(f64::from), Some(v)),
            JsDType::Uint32 => assert_eq!(num::exact::<u32>(v).map(f64::from), Some(v)),
            JsDType::Int32 => assert_eq!(num::exact::<i32>(v).map(f64::from), Some(v)),
        },
        Some(FillProblem::Range(lo, hi)) => assert!(v.is_nan() || v.fract() != 0.0 || v < lo || v > hi),
        Some(FillProblem::Overflow) => assert!(
            matches!(dtype, JsDType::Float32 | JsDType::Float16 | JsDType::BFloat16) && v.is_finite()
        ),
    }
}

fn small(u: U, max: usize) -> usize {
    if u.ratio(15, 16).unwrap_or(true) {
        u.int_in_range(0..=max).unwrap_or(0)
    } else {
        u.arbitrary().unwrap_or(0)
    }
}

fn view(u: U) {
    let rank = u.int_in_range(0..=5usize).unwrap_or(0);
    let shape: Vec<usize> = (0..rank).map(|_| small(u, 8)).collect();
    let strides: Option<Vec<isize>> = if u.arbitrary().unwrap_or(false) {
        Some((0..rank).map(|_| if u.ratio(15, 16).unwrap_or(true) { u.int_in_range(-30..=30).unwrap_or(1) } else { u.arbitrary().unwrap_or(0) }).collect())
    } else {
        None
    };
    let offset = small(u, 60);
    let dtype = *u.choose(&JsDType::ALL).unwrap_or(&JsDType::Float32);
    let mut roles = vec![];
    for i in 0..rank + usize::from(u.ratio(1, 16).unwrap_or(false)) {
        let Some(n) = name(u, &["window", "whole", "batch"]) else { return };
        let what = format!("options.axes[{i}]");
        let given = [u.ratio(1, 8).unwrap_or(false), u.ratio(1, 8).unwrap_or(false), u.ratio(1, 8).unwrap_or(false)];
        match check::role(&n, &what, given) {
            Ok(Some(role)) => {
                assert!(n != "window" && !given.contains(&true));
                roles.push(role);
            }
            Ok(None) => {
                assert_eq!(n, "window");
                roles.push(AxisRole::window(small(u, 5), small(u, 4), small(u, 3)));
            }
            Err(e) => return refused(&e, &what),
        }
    }
    let pads_given = u.arbitrary().unwrap_or(false);
    let conv = name(u, &["valid", "same", "cover", "explicit"]);
    let mode = name(u, &["constant", "reflect", "symmetric", "edge", "wrap"]);
    let (convention, mode) = match check::padding_kind(conv.as_deref(), mode.as_deref(), pads_given) {
        Ok(k) => k,
        Err(e) => return refused(&e, "options.padding"),
    };
    let convention = match convention {
        check::ConventionName::Valid => patch_core::Convention::Valid,
        check::ConventionName::Same => patch_core::Convention::Same,
        check::ConventionName::Cover => patch_core::Convention::Cover,
        check::ConventionName::Explicit => {
            assert!(pads_given);
            let n = roles.iter().filter(|r| matches!(r, AxisRole::Window(_))).count() + usize::from(u.ratio(1, 16).unwrap_or(false));
            patch_core::Convention::Explicit((0..n).map(|_| (small(u, 4), small(u, 4))).collect())
        }
    };
    let padding = patch_core::Padding { convention, mode };
    let got = check::view_plan(&shape, strides.as_deref(), offset, dtype.itemsize(), roles.clone(), &padding);
    // The same numbers through patch-core directly.
    let want = (|| -> patch_core::Result<_> {
        let s = match &strides {
            Some(s) => s.clone(),
            None => c_strides(&shape)?,
        };
        let layout = Layout::new(&shape, &s, offset, dtype.itemsize())?;
        // The lowest element must lie at or after the buffer's start.
        let lowest = layout.offset() as i128
            + (0..shape.len()).map(|a| if s[a] < 0 && shape[a] > 0 { s[a] as i128 * (shape[a] as i128 - 1) } else { 0 }).sum::<i128>();
        let plan = Plan::new(&layout, &PatchSpec::new(roles), &padding);
        Ok((plan, lowest < 0 && layout.num_elements() > 0))
    })();
    match (got, want) {
        (Ok(plan), Ok((Ok(p), before))) => {
            assert!(!before, "a layout reaching before the buffer was accepted");
            assert_eq!(plan.shape(), p.shape());
            assert_eq!(plan.copy_len(), p.copy_len());
            assert_eq!(plan.is_view(), p.is_view());
        }
        (Err(e), Ok((_, true))) => assert_eq!(e.kind(), ErrorKind::OutOfBounds, "{e}"),
        (Err(a), Ok((Err(b), false))) | (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{a} vs {b}"),
        (got, want) => panic!(
            "check::view_plan {:?} vs patch-core {:?}",
            got.map(|p| p.shape().to_vec()),
            want.map(|(p, b)| (p.map(|p| p.shape().to_vec()), b))
        ),
    }
}

fn fold(u: U) {
    let window_given = u.arbitrary().unwrap_or(false);
    let reduce = name(u, &["sum", "mean", "weighted", "overwrite"]);
    let name_ = match check::reduce_name(reduce.as_deref(), window_given) {
        Ok(n) => n,
        Err(e) => return refused(&e, "opts."),
    };
    let window = if !window_given {
        WindowArg::Absent
    } else if u.arbitrary().unwrap_or(false) {
        let lists = (0..u.int_in_range(0..=3).unwrap_or(0))
            .map(|_| (0..u.int_in_range(0..=5).unwrap_or(0)).map(|_| number(u)).collect())
            .collect();
        WindowArg::Lists(lists)
    } else {
        match name(u, &["hann", "gaussian"]) {
            Some(n) => WindowArg::Name(n),
            None => WindowArg::Absent,
        }
    };
    let sigma_given = u.ratio(1, 4).unwrap_or(false);
    let gaussian = matches!(&window, WindowArg::Name(n) if n == "gaussian");
    let sigma = if sigma_given && gaussian { Some(number(u)) } else { None };
    match check::reduce(name_, window.clone(), sigma_given, sigma) {
        Ok(r) => {
            assert!(!sigma_given || gaussian);
            if let (Reduce::Weighted(patch_core::WindowFn::Gaussian { sigma_scale }), Some(s)) = (&r, sigma) {
                assert!(sigma_scale.to_bits() == s.to_bits());
            }
            // A weighted fold of a small plan with these weights: refused
            // cleanly or done, never a panic.
            if let Reduce::Weighted(w) = &r {
                let size = u.int_in_range(1..=5).unwrap_or(1);
                let layout = Layout::new(&[7], &[1], 0, 8).unwrap();
                let plan = Plan::new(&layout, &PatchSpec::new(vec![AxisRole::window(size, 2, 1)]), &patch_core::Padding::valid()).unwrap();
                let patches = vec![1.0f64; plan.copy_len()];
                let _ = (w, plan.fold(&patches, patch_core::PatchOrder::PatchMajor, &r));
            }
        }
        Err(e) => refused(&e, "opts."),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let u = &mut u;
    match u.int_in_range(0..=3u8).unwrap_or(0) {
        0 => numbers(u),
        1 => fills(u),
        2 => view(u),
        _ => fold(u),
    }
    // The quoting of strings in messages.
    if let Ok(s) = u.arbitrary::<&str>() {
        let q = check::quoted(s);
        assert!(q.starts_with('\'') && q.chars().count() <= 45);
        if let Err(e) = check::choice(s, "opts.order", &["patch-major", "feature-major"]) {
            refused(&e, &q);
        }
    }
});
