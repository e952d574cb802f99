//! Property tests: every copying path against a naive index-by-index
//! reference written independently of the engine (its own grid and padding
//! formulas, iterative reflection instead of periodic), over random ranks
//! 1-5, shapes with 0 and 1, strides with gaps and negative signs, roles,
//! steps, dilations, paddings, orders and reductions.

use half::{bf16, f16};
use patch_core::{
    Affine, AxisRole, Convention, Element, ErrorKind, ExtractOptions, Layout, PadMode, Padding,
    PatchOrder, PatchSpec, PatchView, Plan, Reduce, Window, WindowFn,
};
mod common;
use common::cases;
use patch_testkit::{ref_extract, ref_fold, ref_geometry, ref_span};
use proptest::prelude::*;

/// A random case: layout, roles, padding.
#[derive(Debug, Clone)]
struct Case {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    buffer: usize,
    roles: Vec<AxisRole>,
    padding: Padding,
    /// The fill value of the copies (read by constant padding only).
    fill: i64,
}

fn mode_strategy() -> impl Strategy<Value = PadMode> {
    prop_oneof![
        Just(PadMode::Constant),
        Just(PadMode::Reflect),
        Just(PadMode::Symmetric),
        Just(PadMode::Edge),
        Just(PadMode::Wrap),
    ]
}

fn role_strategy() -> impl Strategy<Value = AxisRole> {
    prop_oneof![
        3 => (1usize..5, 1usize..5, 1usize..4).prop_map(|(size, step, dilation)| AxisRole::Window(Window { size, step, dilation })),
        1 => Just(AxisRole::Whole),
        1 => Just(AxisRole::Batch),
    ]
}

fn case_strategy(max_rank: usize) -> impl Strategy<Value = Case> {
    (1..=max_rank)
        .prop_flat_map(|rank| {
            (
                prop::collection::vec(
                    prop_oneof![1 => Just(0usize), 2 => Just(1usize), 8 => 2usize..9],
                    rank,
                ),
                prop::collection::vec(role_strategy(), rank),
                Just((0..rank).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), rank),
                prop::collection::vec(1isize..3, rank),
                0usize..5,
                prop_oneof![Just(0u8), Just(1u8), Just(2u8), Just(3u8)],
                prop::collection::vec((0usize..5, 0usize..5), rank),
                mode_strategy(),
                -3i64..3,
            )
        })
        .prop_map(
            |(shape, roles, perm, flips, gaps, extra, conv, pads, mode, fill)| {
                // Strides: axes laid out in `perm` order with gaps, some flipped.
                let mut strides = vec![0isize; shape.len()];
                let mut acc = 1isize;
                for &a in perm.iter().rev() {
                    strides[a] = acc * gaps[a];
                    acc *= (shape[a].max(1) as isize) * gaps[a];
                }
                let mut offset = 0usize;
                for a in 0..shape.len() {
                    if flips[a] && shape[a] > 0 {
                        offset += (shape[a] - 1) * strides[a] as usize;
                        strides[a] = -strides[a];
                    }
                }
                let n_windows = roles
                    .iter()
                    .filter(|r| matches!(r, AxisRole::Window(_)))
                    .count();
                let convention = match conv {
                    0 => Convention::Valid,
                    1 => Convention::Same,
                    2 => Convention::Explicit(pads[..n_windows].to_vec()),
                    _ => Convention::Cover,
                };
                let layout = Layout::new(&shape, &strides, offset, 8).unwrap();
                let buffer = layout.required_len() + extra;
                Case {
                    shape,
                    strides,
                    offset,
                    buffer,
                    roles,
                    padding: Padding { convention, mode },
                    fill,
                }
            },
        )
}

fn all_reduces() -> Vec<Reduce> {
    vec![
        Reduce::Sum,
        Reduce::Mean,
        Reduce::Overwrite,
        Reduce::Weighted(WindowFn::Hann),
        Reduce::Weighted(WindowFn::gaussian()),
    ]
}

/// The affine of a converting case: none, a scalar, or one pair per index
/// of a patch axis (`pick` chooses the axis).
fn case_affine(plan: &Plan, kind: u8, pick: usize) -> Option<Affine> {
    let inner = plan.inner_shape();
    match kind {
        0 => None,
        1 => Some(Affine::scalar(0.37, -1.25)),
        _ if inner.is_empty() || inner.contains(&0) => None,
        _ => {
            let axis = pick % inner.len();
            let n = inner[axis];
            let scale: Vec<f64> = (0..n).map(|i| 0.5 + i as f64 * 0.173).collect();
            let shift: Vec<f64> = (0..n).map(|i| i as f64 * -0.61 + 0.07).collect();
            Some(Affine::per_axis(axis, &scale, &shift).unwrap())
        }
    }
}

/// The coefficients of output position `o`, computed from the output
/// shape: patch-major rows are patches, feature-major rows are features.
fn ref_coeffs(
    plan: &Plan,
    affine: Option<&Affine>,
    order: PatchOrder,
    o: usize,
) -> Option<(f64, f64)> {
    let a = affine?;
    let Some(axis) = a.axis() else {
        return Some((a.scale()[0], a.shift()[0]));
    };
    let f = match order {
        PatchOrder::PatchMajor => o % plan.patch_len(),
        PatchOrder::FeatureMajor => o / plan.num_patches(),
    };
    // The feature's index along `axis`, digit by digit in C order.
    let mut rest = f;
    let mut index = 0;
    for (k, &n) in plan.inner_shape().iter().enumerate().rev() {
        if k == axis {
            index = rest % n;
        }
        rest /= n;
    }
    Some((a.scale()[index], a.shift()[index]))
}

/// One destination value of the reference: the exact source value `x`
/// rounded once, or `f32(x) * f32(a) + f32(b)` rounded to the destination
/// (in f64 for f64), each conversion by the `half` crate or `as`.
trait RefDest: Element {
    fn want(x: f64, c: Option<(f64, f64)>) -> Self;
}
fn acc32(x: f64, c: Option<(f64, f64)>) -> Option<f32> {
    c.map(|(a, b)| (x as f32) * (a as f32) + (b as f32))
}
impl RefDest for f32 {
    fn want(x: f64, c: Option<(f64, f64)>) -> Self {
        acc32(x, c).unwrap_or(x as f32)
    }
}
impl RefDest for f64 {
    fn want(x: f64, c: Option<(f64, f64)>) -> Self {
        c.map_or(x, |(a, b)| x * a + b)
    }
}
impl RefDest for f16 {
    fn want(x: f64, c: Option<(f64, f64)>) -> Self {
        acc32(x, c).map_or(f16::from_f64(x), f16::from_f32)
    }
}
impl RefDest for bf16 {
    fn want(x: f64, c: Option<(f64, f64)>) -> Self {
        acc32(x, c).map_or(bf16::from_f64(x), bf16::from_f32)
    }
}

/// A converting copy from `S` (values `to_s(v)`, exactly `as_f64`) into
/// `D`, both orders, typed and through bytes, against the reference.
fn check_converting<S: Element, D: RefDest>(
    case: &Case,
    geo: &[patch_testkit::RefAxis],
    kind: u8,
    pick: usize,
    to_s: impl Fn(i64) -> S,
    as_f64: impl Fn(S) -> f64,
) -> Result<(), TestCaseError> {
    let layout = Layout::new(&case.shape, &case.strides, case.offset, size_of::<S>()).unwrap();
    let plan = Plan::new(&layout, &PatchSpec::new(case.roles.clone()), &case.padding).unwrap();
    let affine = case_affine(&plan, kind, pick);
    let src: Vec<S> = (0..case.buffer as i64).map(|v| to_s(v * 7 - 40)).collect();
    let index: Vec<i64> = (0..case.buffer as i64).collect();
    let fill = D::want(case.fill as f64 + 0.5, None);
    for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
        let at = ref_extract(&index, &layout, geo, case.padding.mode, order, -1);
        let want: Vec<D> = at
            .iter()
            .enumerate()
            .map(|(o, &i)| {
                if i < 0 {
                    fill
                } else {
                    D::want(
                        as_f64(src[i as usize]),
                        ref_coeffs(&plan, affine.as_ref(), order, o),
                    )
                }
            })
            .collect();
        let mut opts = ExtractOptions::<D>::new().order(order).fill(fill);
        if let Some(a) = &affine {
            opts = opts.affine(a.clone());
        }
        let got = plan.extract_with(&src, &opts).unwrap();
        prop_assert_eq!(got.shape(), &plan.copy_shape(order)[..]);
        let (g, w): (Vec<_>, Vec<_>) = (
            got.data().iter().map(bytes_of).collect(),
            want.iter().map(bytes_of).collect(),
        );
        prop_assert_eq!(
            g,
            w,
            "{:?} -> {:?}, {:?}, {:?}",
            S::DTYPE,
            D::DTYPE,
            order,
            affine
        );
        // Through bytes, as the C ABI calls it.
        let bytes: Vec<u8> = src.iter().flat_map(bytes_of).collect();
        let mut out = vec![D::default(); plan.copy_len()];
        let fill_bytes = bytes_of(&fill);
        // Aligned byte buffers (u64 storage), as a C caller's malloc gives.
        let mut src_store = vec![0u64; bytes.len().div_ceil(8)];
        let src_bytes = &mut bytemuck_bytes(&mut src_store)[..bytes.len()];
        src_bytes.copy_from_slice(&bytes);
        let mut dst_store = vec![0u64; (plan.copy_len() * size_of::<D>()).div_ceil(8)];
        let dst_bytes = &mut bytemuck_bytes(&mut dst_store)[..plan.copy_len() * size_of::<D>()];
        plan.extract_bytes_as(
            src_bytes,
            S::DTYPE,
            dst_bytes,
            D::DTYPE,
            order,
            &fill_bytes,
            affine.as_ref(),
        )
        .unwrap();
        for (o, c) in out.iter_mut().zip(dst_bytes.chunks_exact(size_of::<D>())) {
            *o = from_bytes(c);
        }
        prop_assert_eq!(
            out.iter().map(bytes_of).collect::<Vec<_>>(),
            want.iter().map(bytes_of).collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// The native-endian bytes of a value (compared instead of the values, so
/// that NaNs and signed zeros compare exactly).
fn bytes_of<T: Element>(v: &T) -> Vec<u8> {
    let mut out = vec![0u8; size_of::<T>()];
    let p = std::ptr::from_ref(v).cast::<u8>();
    for (i, b) in out.iter_mut().enumerate() {
        // SAFETY: `T` is a primitive number of `size_of::<T>()` initialized
        // bytes; `i` stays below that size.
        *b = unsafe { *p.add(i) };
    }
    out
}

/// A value from its native-endian bytes.
fn from_bytes<T: Element>(b: &[u8]) -> T {
    assert_eq!(b.len(), size_of::<T>());
    // SAFETY: `b` holds `size_of::<T>()` bytes and every bit pattern is a
    // valid primitive number; the read is unaligned.
    unsafe { std::ptr::read_unaligned(b.as_ptr().cast::<T>()) }
}

/// The bytes of a `u64` buffer (8-aligned storage for byte-path tests).
fn bytemuck_bytes(v: &mut [u64]) -> &mut [u8] {
    // SAFETY: `u64` has no padding; `u8` accepts every byte and has
    // alignment 1; the exclusive borrow is moved into the result.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), v.len() * 8) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(600), ..ProptestConfig::default() })]

    /// Plan, view, extract (both orders, typed and bytes) and fold (every
    /// reduction, both orders) against the reference.
    #[test]
    fn every_path_matches_the_reference(case in case_strategy(5)) {
        let layout = Layout::new(&case.shape, &case.strides, case.offset, 8).unwrap();
        let spec = PatchSpec::new(case.roles.clone());
        let expected = ref_geometry(&case.shape, &case.roles, &case.padding);
        let plan = Plan::new(&layout, &spec, &case.padding);
        let geo = match (expected, plan) {
            (Err(kind), Err(e)) => { prop_assert_eq!(kind, e.kind()); return Ok(()); }
            (Err(kind), Ok(_)) => { prop_assert!(false, "expected {:?}, got a plan", kind); unreachable!() }
            (Ok(_), Err(e)) => { prop_assert!(false, "unexpected error {}", e); unreachable!() }
            (Ok(geo), Ok(plan)) => (geo, plan),
        };
        let (geo, plan) = geo;
        // Grid counts and origins.
        let mut wi = 0;
        for (a, g) in geo.iter().enumerate() {
            if let AxisRole::Window(_) = g.role {
                prop_assert_eq!(plan.grid()[wi], g.origins.len(), "grid of axis {}", a);
                wi += 1;
            }
        }
        let src: Vec<i64> = (0..case.buffer as i64).map(|v| v * 7 + 3).collect();
        let fill = case.fill;
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let want = ref_extract(&src, &layout, &geo, case.padding.mode, order, fill);
            let got = plan.extract_with(&src, &ExtractOptions::new().order(order).fill(fill)).unwrap();
            prop_assert_eq!(got.data(), &want[..], "extract {:?}", order);
            prop_assert_eq!(got.shape(), &plan.copy_shape(order)[..]);
            // Without options the fill is zero.
            let zero = ref_extract(&src, &layout, &geo, case.padding.mode, order, 0);
            let got = plan.extract(&src, order).unwrap();
            prop_assert_eq!(got.data(), &zero[..], "extract {:?}", order);
            // The byte path agrees with the typed path.
            let bytes: Vec<u8> = src.iter().flat_map(|v| v.to_ne_bytes()).collect();
            let mut out = vec![0u8; plan.copy_bytes()];
            plan.extract_bytes(&bytes, &mut out, order, &fill.to_ne_bytes()).unwrap();
            let back: Vec<i64> = out.chunks_exact(8).map(|c| i64::from_ne_bytes(c.try_into().unwrap())).collect();
            prop_assert_eq!(back, want);
        }
        // Patch origins and padding flags.
        for k in 0..plan.num_patches().min(50) {
            let origin = plan.patch_origin(k).unwrap();
            let mut rest = k;
            let mut touches = false;
            for (a, g) in geo.iter().enumerate().rev() {
                let expect = match g.role {
                    AxisRole::Whole => 0,
                    AxisRole::Batch => { let i = rest % g.len; rest /= g.len; i as isize }
                    AxisRole::Window(w) => {
                        let n = g.origins.len();
                        let o = g.origins[rest % n];
                        rest /= n;
                        let last = o + ((w.size - 1) * w.dilation) as isize;
                        touches |= o < 0 || last >= g.len as isize;
                        o
                    }
                };
                prop_assert_eq!(origin[a], expect);
            }
            prop_assert_eq!(plan.touches_padding(k).unwrap(), touches);
        }
        // The zero-copy view reads the same elements, and its byte strides
        // are its element strides in bytes.
        if plan.is_view() {
            let (e, b) = (plan.view_strides().unwrap(), plan.view_byte_strides().unwrap());
            prop_assert!(e.iter().zip(b).all(|(e, b)| e * 8 == *b), "{:?} vs {:?}", e, b);
            let view = PatchView::from_plan(&src, plan.clone()).unwrap();
            let flat = view.extract(PatchOrder::PatchMajor).unwrap();
            let elems = view.as_array().to_vec();
            prop_assert_eq!(flat.data(), &elems[..]);
            for k in 0..view.num_patches().min(20) {
                let p = view.patch(k).unwrap().to_vec();
                prop_assert_eq!(&p[..], &flat.data()[k * view.patch_len()..(k + 1) * view.patch_len()]);
            }
        } else {
            prop_assert_eq!(plan.view_strides().unwrap_err().kind(), ErrorKind::NotAView);
        }
        // Fold, every reduction, both orders, against the reference.
        let contiguous = Layout::new(&case.shape, &patch_core::c_strides(&case.shape).unwrap(), 0, 8).unwrap();
        let cplan = Plan::new(&contiguous, &spec, &case.padding).unwrap();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let patches: Vec<f64> = (0..plan.copy_len()).map(|i| ((i * 37) % 101) as f64 - 50.0).collect();
            for reduce in all_reduces() {
                let weights: Vec<Vec<f64>> = geo.iter().map(|g| match (g.role, &reduce) {
                    (AxisRole::Window(w), Reduce::Weighted(f)) => f.weights(w.size),
                    _ => Vec::new(),
                }).collect();
                let want = ref_fold(&patches, &case.shape, &geo, order, &reduce, &weights);
                let got = cplan.fold(&patches, order, &reduce).unwrap();
                prop_assert_eq!(got.shape(), &case.shape[..]);
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    prop_assert!((g - w).abs() <= 1e-9 * (1.0 + w.abs()), "fold {:?} {:?} at {}: {} vs {}", reduce, order, i, g, w);
                }
            }
            // Round trip: Mean (and Weighted) folding of the copies gives the
            // input back exactly wherever a window covers it.
            let x: Vec<f64> = (0..contiguous.num_elements()).map(|i| (i as f64) * 0.1 + 0.37).collect();
            let copies = cplan.extract(&x, order).unwrap();
            for reduce in [Reduce::Mean, Reduce::Weighted(WindowFn::gaussian()), Reduce::Weighted(WindowFn::Hann), Reduce::Overwrite] {
                let back = cplan.fold(copies.data(), order, &reduce).unwrap().into_vec();
                let covered = ref_fold(&vec![1.0; plan.copy_len()], &case.shape, &geo, order, &Reduce::Sum, &[]);
                for i in 0..x.len() {
                    let want = if covered[i] > 0.0 { x[i] } else { 0.0 };
                    prop_assert_eq!(back[i], want, "round trip {:?} {:?} at {}", reduce, order, i);
                }
            }
        }
    }

    /// Converting copies (every destination type, several source types, no
    /// affine, a scalar one and one along each patch axis, every padding
    /// mode, both orders, typed and bytes) against the reference: index by
    /// index, then convert, bit for bit.
    #[test]
    fn converting_copies_match_the_reference(case in case_strategy(4), kind in 0u8..3, pick in 0usize..8) {
        let Ok(geo) = ref_geometry(&case.shape, &case.roles, &case.padding) else { return Ok(()) };
        if Plan::new(&Layout::new(&case.shape, &case.strides, case.offset, 8).unwrap(), &PatchSpec::new(case.roles.clone()), &case.padding).is_err() {
            return Ok(());
        }
        check_converting::<u8, f32>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<u8, f16>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<i16, bf16>(&case, &geo, kind, pick, |v| (v * 97) as i16, |x| x as f64)?;
        check_converting::<i32, f64>(&case, &geo, kind, pick, |v| (v * 100_003) as i32, |x| x as f64)?;
        check_converting::<i32, f16>(&case, &geo, kind, pick, |v| v as i32, |x| x as f64)?;
        check_converting::<f32, f32>(&case, &geo, kind, pick, |v| v as f32 * 0.37, |x| x as f64)?;
        check_converting::<f64, f32>(&case, &geo, kind, pick, |v| v as f64 * 0.1, |x| x)?;
        check_converting::<f64, bf16>(&case, &geo, kind, pick, |v| v as f64 * 1.7, |x| x)?;
        check_converting::<u16, f64>(&case, &geo, kind, pick, |v| v.rem_euclid(65536) as u16, |x| x as f64)?;
        check_converting::<f16, f32>(&case, &geo, kind, pick, |v| f16::from_f64(v as f64 * 0.25), |x| x.to_f64())?;
    }

    /// The deinterleaving kernel of view copies over interleaved pixels:
    /// RGB, RGBA, BGR, BGRA (3 or 4 channels read, forwards or backwards,
    /// from any element of the pixel), a batch or not, windows of random
    /// size, step and dilation along H and W, every destination type, no
    /// affine, a scalar one and one along each patch axis (along H or W
    /// the kernel hands the rows back one channel at a time), both orders,
    /// against the reference.
    #[test]
    fn interleaved_pixel_copies_match_the_reference(
        px in 3usize..5, c4 in any::<bool>(), rev in any::<bool>(), start in 0usize..2,
        batch in 0usize..3, h in 1usize..7, w in 1usize..21,
        wh in (1usize..4, 1usize..4, prop_oneof![3 => Just(1usize), 1 => Just(2usize)]),
        ww in (1usize..9, 1usize..9, prop_oneof![3 => Just(1usize), 1 => Just(2usize)]),
        kind in 0u8..3, pick in 0usize..8, extra in 0usize..5,
    ) {
        let c = if c4 && px == 4 { 4 } else { 3 };
        let first = start.min(px - c) + if rev { c - 1 } else { 0 };
        let window = |(size, step, dilation): (usize, usize, usize)| AxisRole::Window(Window { size, step, dilation });
        let (mut shape, mut strides, mut roles) = (
            vec![c, h, w],
            vec![if rev { -1 } else { 1 }, (px * w) as isize, px as isize],
            vec![AxisRole::Whole, window(wh), window(ww)],
        );
        if batch > 0 {
            shape.insert(0, batch);
            strides.insert(0, (px * w * h) as isize);
            roles.insert(0, AxisRole::Batch);
        }
        let case = Case {
            buffer: batch.max(1) * h * w * px + extra,
            shape,
            strides,
            offset: first,
            roles,
            padding: Padding::valid(),
            fill: 0,
        };
        let Ok(geo) = ref_geometry(&case.shape, &case.roles, &case.padding) else { return Ok(()) };
        let layout = Layout::new(&case.shape, &case.strides, case.offset, 1).unwrap();
        if Plan::new(&layout, &PatchSpec::new(case.roles.clone()), &case.padding).is_err() {
            return Ok(());
        }
        check_converting::<u8, f32>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<u8, f16>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<u8, bf16>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<u8, f64>(&case, &geo, kind, pick, |v| v.rem_euclid(256) as u8, |x| x as f64)?;
        check_converting::<u16, f32>(&case, &geo, kind, pick, |v| (v * 331).rem_euclid(65536) as u16, |x| x as f64)?;
        check_converting::<f32, bf16>(&case, &geo, kind, pick, |v| v as f32 * 0.37, |x| x as f64)?;
        check_converting::<i32, f16>(&case, &geo, kind, pick, |v| (v * 1001) as i32, |x| x as f64)?;
    }

    /// The same on f32, where the round trip must also be exact.
    #[test]
    fn f32_round_trip_is_exact(case in case_strategy(3)) {
        let contiguous = Layout::new(&case.shape, &patch_core::c_strides(&case.shape).unwrap(), 0, 4).unwrap();
        let Ok(plan) = Plan::new(&contiguous, &PatchSpec::new(case.roles.clone()), &case.padding) else { return Ok(()) };
        let x: Vec<f32> = (0..contiguous.num_elements()).map(|i| (i as f32) * 0.3 - 7.1).collect();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let copies = plan.extract(&x, order).unwrap();
            let ones = plan.fold(&vec![1.0f32; plan.copy_len()], order, &Reduce::Sum).unwrap().into_vec();
            // f32 weighted folds (summed in f64) agree with the f64 ones.
            let p32: Vec<f32> = (0..plan.copy_len()).map(|i| ((i * 29) % 97) as f32 - 40.0).collect();
            let p64: Vec<f64> = p32.iter().map(|&v| v as f64).collect();
            let plan64 = Plan::new(&contiguous.with_itemsize(8).unwrap(), &PatchSpec::new(case.roles.clone()), &case.padding).unwrap();
            for reduce in [Reduce::Weighted(WindowFn::Hann), Reduce::Weighted(WindowFn::gaussian())] {
                let a = plan.fold(&p32, order, &reduce).unwrap();
                let b = plan64.fold(&p64, order, &reduce).unwrap();
                for (x, y) in a.iter().zip(&b) {
                    prop_assert!((*x as f64 - y).abs() <= 1e-5 * (1.0 + y.abs()), "{:?}: {} vs {}", reduce, x, y);
                }
            }
            for reduce in [Reduce::Mean, Reduce::Weighted(WindowFn::gaussian())] {
                let back = plan.fold(copies.data(), order, &reduce).unwrap().into_vec();
                for i in 0..x.len() {
                    prop_assert_eq!(back[i], if ones[i] > 0.0 { x[i] } else { 0.0 });
                }
            }
        }
    }

    /// The span of memory the patches read, against a scan of every
    /// element every patch reads.
    #[test]
    fn span_matches_a_brute_force_scan(case in case_strategy(4)) {
        let layout = Layout::new(&case.shape, &case.strides, case.offset, 8).unwrap();
        let Ok(plan) = Plan::new(&layout, &PatchSpec::new(case.roles.clone()), &case.padding) else { return Ok(()) };
        let geo = ref_geometry(&case.shape, &case.roles, &case.padding).unwrap();
        prop_assert_eq!(plan.span_bytes(), ref_span(&layout, &geo, case.padding.mode));
    }

    /// The same with wide padding on short axes, where windows lie wholly in
    /// padding and the periodic modes wrap many times.
    #[test]
    fn span_of_wide_padding_matches_a_brute_force_scan(
        axes in prop::collection::vec((1usize..7, 1usize..5, 1usize..9, 1usize..5, 0usize..40, 0usize..40), 1..3),
        mode in mode_strategy(),
        flip in any::<bool>(),
    ) {
        let shape: Vec<usize> = axes.iter().map(|a| a.0).collect();
        let roles: Vec<AxisRole> = axes.iter().map(|a| AxisRole::window(a.1, a.2, a.3)).collect();
        let pads: Vec<(usize, usize)> = axes.iter().map(|a| (a.4, a.5)).collect();
        let mut strides = patch_core::c_strides(&shape).unwrap();
        let mut offset = 0;
        if flip {
            offset = (shape[0] - 1) * strides[0] as usize;
            strides[0] = -strides[0];
        }
        let layout = Layout::new(&shape, &strides, offset, 8).unwrap();
        let padding = Padding::explicit(&pads, mode);
        let Ok(plan) = Plan::new(&layout, &PatchSpec::new(roles.clone()), &padding) else { return Ok(()) };
        let geo = ref_geometry(&shape, &roles, &padding).unwrap();
        prop_assert_eq!(plan.span_bytes(), ref_span(&layout, &geo, mode));
    }
}

/// A random split/permute case: every input axis is the product of its
/// `factors`; the strides lay the axes out in a random order with gaps,
/// some flipped; `perm` orders the split axes.
#[derive(Debug, Clone)]
struct SplitCase {
    factors: Vec<Vec<usize>>,
    strides: Vec<isize>,
    offset: usize,
    buffer: usize,
    perm: Vec<usize>,
    /// Output groups (of consecutive permuted axes) of the copy.
    groups: Vec<usize>,
    affine_axis: usize,
}

fn split_case_strategy() -> impl Strategy<Value = SplitCase> {
    (1usize..=4)
        .prop_flat_map(|rank| {
            (
                prop::collection::vec(
                    prop::collection::vec(
                        prop_oneof![1 => Just(1usize), 6 => 2usize..4, 1 => Just(0usize)],
                        1..=3,
                    ),
                    rank,
                ),
                Just((0..rank).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), rank),
                prop::collection::vec(1isize..3, rank),
                0usize..4,
                any::<u64>(),
                0usize..16,
            )
        })
        .prop_map(|(factors, order, flips, gaps, extra, seed, affine_axis)| {
            let shape: Vec<usize> = factors.iter().map(|f| f.iter().product()).collect();
            let mut strides = vec![0isize; shape.len()];
            let mut acc = 1isize;
            for &a in order.iter().rev() {
                strides[a] = acc * gaps[a];
                acc *= (shape[a].max(1) as isize) * gaps[a];
            }
            let mut offset = 0usize;
            for a in 0..shape.len() {
                if flips[a] && shape[a] > 0 {
                    offset += (shape[a] - 1) * strides[a] as usize;
                    strides[a] = -strides[a];
                }
            }
            let layout = Layout::new(&shape, &strides, offset, 8).unwrap();
            let buffer = layout.required_len() + extra;
            // A permutation and a grouping of the split axes from the seed.
            let n: usize = factors.iter().map(|f| f.len()).sum();
            let mut perm: Vec<usize> = (0..n).collect();
            let mut s = seed | 1;
            for i in (1..n).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                perm.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let mut groups = Vec::new();
            let mut left = n;
            while left > 0 {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let g = 1 + (s % left as u64) as usize;
                groups.push(g);
                left -= g;
            }
            SplitCase {
                factors,
                strides,
                offset,
                buffer,
                perm,
                groups,
                affine_axis: affine_axis % n,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(400), ..ProptestConfig::default() })]

    /// Split and permute (by the calls and by an einops pattern) against a
    /// naive index-by-index reference: every element of every copy (plain,
    /// converting, with an affine along a random axis) is the element the
    /// original index names; views of any split/permutation stay inside
    /// the buffer.
    #[test]
    fn split_and_permute_match_the_reference(case in split_case_strategy()) {
        use patch_core::ArrangedView;
        let shape: Vec<usize> = case.factors.iter().map(|f| f.iter().product()).collect();
        let layout = Layout::new(&shape, &case.strides, case.offset, 8).unwrap();
        let src: Vec<i64> = (0..case.buffer as i64).map(|v| v * 7 - 3).collect();
        // Split from the last axis down, into the factors.
        let mut v = ArrangedView::new(&src, &layout).unwrap();
        for (a, f) in case.factors.iter().enumerate().rev() {
            for i in 0..f.len() - 1 {
                let rest: usize = f[i + 1..].iter().product();
                v = v.split(a + i, [f[i], rest]).unwrap();
            }
        }
        let v = v.permute(&case.perm).unwrap().flatten(&case.groups).unwrap();
        // The same by a pattern: axis a, part i is named `a{a}_{i}`, every
        // size given but the first of each axis (inferred when non-zero).
        let name = |a: usize, i: usize| format!("a{a}_{i}");
        let left: Vec<String> = case.factors.iter().enumerate().map(|(a, f)| {
            format!("({})", (0..f.len()).map(|i| name(a, i)).collect::<Vec<_>>().join(" "))
        }).collect();
        let parts: Vec<(usize, usize)> = case.factors.iter().enumerate()
            .flat_map(|(a, f)| (0..f.len()).map(move |i| (a, i))).collect();
        let mut right = Vec::new();
        let mut at = 0;
        for &g in &case.groups {
            let names: Vec<String> = case.perm[at..at + g].iter().map(|&p| name(parts[p].0, parts[p].1)).collect();
            right.push(format!("({})", names.join(" ")));
            at += g;
        }
        let pattern = format!("{} -> {}", left.join(" "), right.join(" "));
        let names: Vec<String> = parts.iter().map(|&(a, i)| name(a, i)).collect();
        let sizes: Vec<(&str, usize)> = parts.iter().zip(&names)
            .filter(|((a, i), _)| *i > 0 || case.factors[*a].contains(&0))
            .map(|(&(a, i), n)| (n.as_str(), case.factors[a][i]))
            .collect();
        let by_pattern = ArrangedView::new(&src, &layout).unwrap().rearrange(&pattern, &sizes).unwrap();
        prop_assert_eq!(by_pattern.shape(), v.shape(), "{}", pattern);
        prop_assert_eq!(by_pattern.strides(), v.strides(), "{}", pattern);
        prop_assert_eq!(by_pattern.copy_shape(), v.copy_shape());
        // The reference: the permuted parts' shape walked in C order; each
        // original index is rebuilt from its parts.
        let pshape: Vec<usize> = case.perm.iter().map(|&p| case.factors[parts[p].0][parts[p].1]).collect();
        let total: usize = pshape.iter().product();
        let mut want = Vec::with_capacity(total);
        let mut idx = vec![0usize; pshape.len()];
        for _ in 0..total {
            let mut orig = vec![0usize; shape.len()];
            for (k, &p) in case.perm.iter().enumerate() {
                let (a, i) = parts[p];
                let after: usize = case.factors[a][i + 1..].iter().product();
                orig[a] += idx[k] * after;
            }
            let pos = case.offset as isize + orig.iter().zip(&case.strides).map(|(&o, &s)| o as isize * s).sum::<isize>();
            prop_assert!(pos >= 0 && (pos as usize) < src.len());
            want.push(src[pos as usize]);
            prop_assert_eq!(v.get(&idx), Some(&src[pos as usize]));
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < pshape[k] { break; }
                idx[k] = 0;
            }
        }
        let got = v.extract().unwrap();
        prop_assert_eq!(got.shape(), v.copy_shape());
        prop_assert_eq!(got.data(), &want[..]);
        prop_assert_eq!(&v.as_array().to_vec(), &want);
        let f = v.extract_with(&ExtractOptions::<f64>::new()).unwrap();
        prop_assert!(f.iter().zip(&want).all(|(g, w)| *g == *w as f64));
        // An affine along a random axis of the view, in f64: x * s[i] + b[i].
        let k = case.affine_axis;
        let n = pshape[k];
        if n > 0 {
            let scale: Vec<f64> = (0..n).map(|i| 0.5 + i as f64 * 0.25).collect();
            let shift: Vec<f64> = (0..n).map(|i| i as f64 - 1.5).collect();
            let affine = Affine::per_axis(k, &scale, &shift).unwrap();
            let a = v.extract_with(&ExtractOptions::<f64>::new().affine(affine)).unwrap();
            let after: usize = pshape[k + 1..].iter().product();
            for (j, (g, w)) in a.iter().zip(&want).enumerate() {
                let i = j / after % n;
                prop_assert_eq!(*g, *w as f64 * scale[i] + shift[i]);
            }
            let a32 = v.extract_with(&ExtractOptions::<f32>::new().affine(Affine::scalar(0.5, 1.0))).unwrap();
            prop_assert!(a32.iter().zip(&want).all(|(g, w)| *g == (*w as f32) * 0.5 + 1.0));
        }
    }
}
