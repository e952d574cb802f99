//! The ndarray interop against ndarray's own `windows`,
//! `windows_with_stride`, `exact_chunks` and `exact_chunks_mut`, over
//! random ranks 1-4, shapes, sliced views (random starts, ends and steps,
//! negative steps included), permuted and inverted axes; and the copies
//! and folds of every such view against the same paths over a C-order
//! copy of it.
#![cfg(feature = "ndarray")]

use ndarray::{ArrayBase, ArrayD, ArrayViewD, Axis, Dimension, IxDyn, Slice};
use patch_core::interop::ndarray::{patch_view, patch_view_mut};
use patch_core::{
    ErrorKind, Layout, PadMode, Padding, PatchOrder, PatchSpec, PatchView, PatchViewMut, Plan,
    Reduce,
};
mod common;
use common::cases;
use proptest::prelude::*;

/// How to cut a view out of a base array: per axis the base length and a
/// slice (start, end, step); then a permutation and axes to invert.
#[derive(Debug, Clone)]
struct ViewRecipe {
    base: Vec<usize>,
    slices: Vec<(usize, usize, isize)>,
    perm: Vec<usize>,
    invert: Vec<bool>,
}

fn recipe() -> impl Strategy<Value = ViewRecipe> {
    (1usize..=4)
        .prop_flat_map(|rank| {
            (
                prop::collection::vec(
                    (1usize..8).prop_flat_map(|n| {
                        (
                            Just(n),
                            0..n,
                            prop::sample::select(vec![1isize, 1, 2, 3, -1, -2]),
                        )
                            .prop_flat_map(|(n, start, step)| {
                                (Just(n), Just(start), (start + 1)..=n, Just(step))
                            })
                    }),
                    rank,
                ),
                Just((0..rank).collect::<Vec<_>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), rank),
            )
        })
        .prop_map(|(axes, perm, invert)| ViewRecipe {
            base: axes.iter().map(|a| a.0).collect(),
            slices: axes.iter().map(|a| (a.1, a.2, a.3)).collect(),
            perm,
            invert,
        })
}

fn base(r: &ViewRecipe) -> ArrayD<i64> {
    let n: usize = r.base.iter().product();
    ArrayD::from_shape_vec(IxDyn(&r.base), (0..n as i64).map(|v| v * 7 + 3).collect()).unwrap()
}

/// The view `r` describes, cut out of `a` (read-only or writable).
fn cut<S: ndarray::RawData>(mut v: ArrayBase<S, IxDyn>, r: &ViewRecipe) -> ArrayBase<S, IxDyn> {
    v.slice_each_axis_inplace(|ax| {
        let (start, end, step) = r.slices[ax.axis.index()];
        Slice::new(start as isize, Some(end as isize), step)
    });
    let mut v = v.permuted_axes(IxDyn(&r.perm));
    for (axis, &inv) in r.invert.iter().enumerate() {
        if inv {
            v.invert_axis(Axis(axis));
        }
    }
    v
}

/// A window (1..=len) and a step (1..=3) per axis, from raw numbers.
fn windows_for(shape: &[usize], raw: &[(usize, usize)]) -> (Vec<usize>, Vec<usize>) {
    shape
        .iter()
        .zip(raw)
        .map(|(&n, &(w, s))| (1 + w % n, 1 + s % 3))
        .unzip()
}

fn rows(a: &ArrayViewD<'_, i64>, n: usize) -> Vec<Vec<i64>> {
    let flat: Vec<i64> = a.iter().copied().collect();
    if n == 0 {
        return Vec::new();
    }
    flat.chunks(flat.len() / n).map(<[i64]>::to_vec).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(400), ..ProptestConfig::default() })]

    #[test]
    fn patch_views_equal_ndarray_windows_with_stride(r in recipe(), raw in prop::collection::vec((0usize..8, 0usize..3), 4)) {
        let a = base(&r);
        let x = cut(a.view(), &r);
        let (window, step) = windows_for(x.shape(), &raw);
        let spec = PatchSpec::sliding(&window, &step).unwrap();
        let mine = patch_view(x.view(), &spec).unwrap();
        let theirs: Vec<Vec<i64>> = x
            .windows_with_stride(IxDyn(&window), IxDyn(&step))
            .into_iter()
            .map(|w| w.iter().copied().collect())
            .collect();
        prop_assert_eq!(rows(&mine, theirs.len()), theirs.clone());
        // Step 1: ndarray's `windows`.
        let ones = vec![1; window.len()];
        let mine1 = patch_view(x.view(), &PatchSpec::sliding(&window, &ones).unwrap()).unwrap();
        let theirs1: Vec<Vec<i64>> = x.windows(IxDyn(&window)).into_iter().map(|w| w.iter().copied().collect()).collect();
        prop_assert_eq!(rows(&mine1, theirs1.len()), theirs1);
        // The copy, in place or gathered, equals the windows; feature-major is its transpose.
        let plan = Plan::for_ndarray(&x, &spec, &Padding::valid()).unwrap();
        let copy = plan.extract_ndarray(x.view(), PatchOrder::PatchMajor).unwrap();
        let copy_rows: Vec<Vec<i64>> = copy.rows().into_iter().map(|r| r.to_vec()).collect();
        prop_assert_eq!(copy_rows, theirs);
        let cols = plan.extract_ndarray(x.view(), PatchOrder::FeatureMajor).unwrap();
        prop_assert_eq!(cols.t(), copy.view());
        // The plan's view strides are the ndarray view's.
        prop_assert_eq!(plan.view_strides().unwrap(), mine.strides());
    }

    #[test]
    fn tiles_equal_ndarray_exact_chunks(r in recipe(), raw in prop::collection::vec(0usize..8, 4)) {
        let a = base(&r);
        let x = cut(a.view(), &r);
        let tile: Vec<usize> = x.shape().iter().zip(&raw).map(|(&n, &t)| 1 + t % n).collect();
        let mine = patch_view(x.view(), &PatchSpec::tiles(&tile)).unwrap();
        // ndarray 0.17.2's `exact_chunks` overflows (a panic with overflow
        // checks on) on negative strides: there, its equal
        // `windows_with_stride(tile, tile)` stands in.
        let theirs: Vec<Vec<i64>> = if x.strides().iter().all(|&s| s >= 0) {
            x.exact_chunks(IxDyn(&tile)).into_iter().map(|c| c.iter().copied().collect()).collect()
        } else {
            x.windows_with_stride(IxDyn(&tile), IxDyn(&tile)).into_iter().map(|c| c.iter().copied().collect()).collect()
        };
        prop_assert_eq!(rows(&mine, theirs.len()), theirs.clone());
        // This crate's PatchView: made only from views in one block of memory.
        let contiguous = x.as_slice_memory_order().is_some();
        match PatchView::from_ndarray(x.view(), &PatchSpec::tiles(&tile)) {
            Ok(view) => {
                prop_assert!(contiguous);
                let tokens = view.extract(PatchOrder::PatchMajor).unwrap();
                let got: Vec<Vec<i64>> = tokens.data().chunks(view.patch_len()).map(<[i64]>::to_vec).collect();
                prop_assert_eq!(got, theirs);
                prop_assert_eq!(view.to_ndarray().unwrap(), mine);
            }
            Err(e) => {
                prop_assert!(!contiguous);
                prop_assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            }
        }
    }

    #[test]
    fn writable_tiles_write_where_exact_chunks_mut_writes(r in recipe(), raw in prop::collection::vec(0usize..8, 4)) {
        let a = base(&r);
        let (mut mine, mut theirs) = (a.clone(), a.clone());
        let shape = cut(a.view(), &r).shape().to_vec();
        let tile: Vec<usize> = shape.iter().zip(&raw).map(|(&n, &t)| 1 + t % n).collect();
        let spec = PatchSpec::tiles(&tile);
        let mut p = patch_view_mut(cut(mine.view_mut(), &r), &spec).unwrap();
        let n_outer = shape.len();
        let outer = p.shape()[..n_outer].to_vec();
        for (idx, v) in p.indexed_iter_mut() {
            let k = idx.slice()[..n_outer].iter().zip(&outer).fold(0, |k, (&i, &n)| k * n + i);
            *v = -(k as i64) - 1;
        }
        // Tile k of the written view holds -k-1 (read by ndarray's windows).
        let written = cut(mine.view(), &r);
        for (k, w) in written.windows_with_stride(IxDyn(&tile), IxDyn(&tile)).into_iter().enumerate() {
            prop_assert!(w.iter().all(|&v| v == -(k as i64) - 1));
        }
        // Where ndarray's `exact_chunks_mut` works (no negative stride, see
        // above), writing through it changes the same elements the same way.
        if cut(theirs.view(), &r).strides().iter().all(|&s| s >= 0) {
            for (k, mut c) in cut(theirs.view_mut(), &r).exact_chunks_mut(IxDyn(&tile)).into_iter().enumerate() {
                c.fill(-(k as i64) - 1);
            }
            prop_assert_eq!(&mine, &theirs);
        }
        // Elements outside every tile are untouched.
        let n_written = mine.iter().zip(&a).filter(|(m, b)| m != b).count();
        prop_assert_eq!(n_written, p_len(&shape, &tile));
        // Overlapping windows (two or more on an axis) are refused.
        if let Some(axis) = shape.iter().position(|&n| n > 2) {
            let mut w = vec![1; shape.len()];
            w[axis] = 2;
            let e = patch_view_mut(cut(theirs.view_mut(), &r), &PatchSpec::sliding(&w, &vec![1; shape.len()]).unwrap()).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::Aliasing);
        }
    }
}

/// Elements inside the tiles of `tile` over `shape`.
fn p_len(shape: &[usize], tile: &[usize]) -> usize {
    shape.iter().zip(tile).map(|(&n, &t)| n / t * t).product()
}

/// A random padding of the window axes.
fn padding_strategy(rank: usize) -> impl Strategy<Value = Padding> {
    let mode = prop::sample::select(vec![
        PadMode::Constant,
        PadMode::Reflect,
        PadMode::Symmetric,
        PadMode::Edge,
        PadMode::Wrap,
    ]);
    prop_oneof![
        Just(Padding::valid()),
        Just(Padding::cover()),
        mode.clone().prop_map(Padding::same),
        (prop::collection::vec((0usize..3, 0usize..3), rank), mode)
            .prop_map(|(p, m)| Padding::explicit(&p, m)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    /// Padded, covered and folded copies of any view equal the same copies
    /// of its C-order copy read as a plain slice.
    #[test]
    fn copies_and_folds_of_any_view_equal_those_of_its_c_order_copy(
        (r, padding) in recipe().prop_flat_map(|r| { let n = r.base.len(); (Just(r), padding_strategy(n)) }),
        raw in prop::collection::vec((0usize..8, 0usize..3), 4),
    ) {
        let a = base(&r).mapv(|v| v as f64);
        let x = cut(a.view(), &r);
        let (window, step) = windows_for(x.shape(), &raw);
        let spec = PatchSpec::sliding(&window, &step).unwrap();
        let Ok(plan) = Plan::for_ndarray(&x, &spec, &padding) else {
            // Reflect on a length-1 axis and the like: the slice path refuses it too.
            prop_assert!(Plan::new(&Layout::of::<f64>(x.shape()).unwrap(), &spec, &padding).is_err());
            return Ok(());
        };
        let c: Vec<f64> = x.iter().copied().collect();
        let c_plan = Plan::new(&Layout::of::<f64>(x.shape()).unwrap(), &spec, &padding).unwrap();
        for order in [PatchOrder::PatchMajor, PatchOrder::FeatureMajor] {
            let mine = plan.extract_ndarray(x.view(), order).unwrap();
            let want = c_plan.extract(&c, order).unwrap();
            prop_assert_eq!(mine.shape(), want.shape());
            prop_assert_eq!(mine.iter().copied().collect::<Vec<_>>(), want.to_vec());
            for reduce in [Reduce::Mean, Reduce::Sum] {
                let folded = plan.fold_ndarray(mine.view(), order, &reduce).unwrap();
                let want_fold = c_plan.fold(want.data(), order, &reduce).unwrap();
                prop_assert_eq!(folded.shape(), x.shape());
                prop_assert_eq!(folded.iter().copied().collect::<Vec<_>>(), want_fold.to_vec());
            }
            // Patches handed over in any strides fold the same.
            let flipped = mine.slice(ndarray::s![..;-1, ..]).to_owned();
            let mut back = flipped.view();
            back.invert_axis(Axis(0));
            let folded = plan.fold_ndarray(back, order, &Reduce::Mean).unwrap();
            prop_assert_eq!(folded.iter().copied().collect::<Vec<_>>(), c_plan.fold(want.data(), order, &Reduce::Mean).unwrap().to_vec());
        }
    }
}

#[test]
fn the_layout_of_a_view_is_its_strides_and_the_offset_of_its_first_element() {
    let a = ndarray::Array3::<u16>::zeros((3, 4, 5));
    let v = a.slice(ndarray::s![..;-1, 1..;2, ..;-2]);
    let l = Layout::of_ndarray(&v).unwrap();
    assert_eq!(l.shape(), &[3, 2, 3]);
    assert_eq!(l.strides(), &[-20, 10, -2]);
    // First element from the lowest one: 2 rows of 20 and 2 steps of 2 back.
    assert_eq!(l.offset(), 2 * 20 + 2 * 2);
    assert_eq!(l.itemsize(), 2);
    // The address difference ndarray itself reports.
    let lowest = v.iter().map(|e| e as *const u16 as usize).min().unwrap();
    assert_eq!((v.as_ptr() as usize - lowest) / 2, l.offset());
}

#[test]
fn shape_mismatches_are_errors_that_name_the_shapes() {
    let a = ndarray::Array2::<f32>::zeros((4, 4));
    let plan = Plan::for_ndarray(&a, &PatchSpec::tiles(&[2, 2]), &Padding::valid()).unwrap();
    let b = ndarray::Array2::<f32>::zeros((4, 6));
    let e = plan
        .extract_ndarray(b.view(), PatchOrder::PatchMajor)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        e.to_string(),
        "invalid argument: the array has shape [4, 6] of 4-byte elements but the plan was made for shape [4, 4] of 4-byte elements"
    );
    let patches = ndarray::Array2::<f32>::zeros((4, 3));
    let e = plan
        .fold_ndarray(patches.view(), PatchOrder::PatchMajor, &Reduce::Mean)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferSize);
    let mut m = ndarray::Array2::<f32>::zeros((4, 4));
    let e = PatchViewMut::from_ndarray(
        m.slice_mut(ndarray::s![.., ..;2]),
        &PatchSpec::tiles(&[2, 1]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("patch_view_mut"), "{e}");
}
