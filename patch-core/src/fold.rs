//! Folding patches back into an array of the input's shape.

use std::convert::Infallible;
use std::ops::Range;

use crate::alloc::{try_collect, try_to_vec, try_with_capacity, try_zeroed};
use crate::array::NdArray;
use crate::checks::{check_itemsize, check_patches};
use crate::element::{FloatElement, as_bits, as_bits_mut};
use crate::error::{Result, Short, bail};
use crate::layout::c_strides;
use crate::order::{PatchOrder, ordered};
use crate::plan::Plan;
use crate::spec::AxisRole;
use crate::strided::Strided;
use crate::threads::{in_parts, parallel_parts};
use crate::walk::{RunWeights, Sink, Walk};

/// Per-position window weights for a weighted fold.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum WindowFn {
    /// A Hann window sampled at the centres of the window's cells:
    /// `w[i] = sin²(π (i + ½) / n)`. Unlike the textbook Hann it is never
    /// zero, so border elements keep a weight, and at 50% overlap
    /// (`step = size / 2`) the weights of overlapping windows sum to a constant.
    Hann,
    /// A Gaussian centred on the window, `σ = sigma_scale * size`
    /// (MONAI's sliding-window inference uses `sigma_scale = 0.125`).
    Gaussian {
        /// Standard deviation as a fraction of the window size.
        sigma_scale: f64,
    },
    /// Your own weights: one list per window axis (in input order), each of
    /// that window's size; all finite and `>= 0`.
    PerAxis(Vec<Vec<f64>>),
}

impl WindowFn {
    /// The Gaussian with MONAI's default `sigma_scale = 0.125`.
    pub fn gaussian() -> Self {
        WindowFn::Gaussian { sigma_scale: 0.125 }
    }

    /// The weights of a window of `n` samples (for `Hann` and `Gaussian`).
    ///
    /// ```
    /// use patch_core::WindowFn;
    ///
    /// let w = WindowFn::Hann.weights(4);
    /// // Half-overlapping windows sum to one: w[i] + w[i + 2] == 1.
    /// assert!((w[0] + w[2] - 1.0).abs() < 1e-12 && (w[1] + w[3] - 1.0).abs() < 1e-12);
    /// ```
    pub fn weights(&self, n: usize) -> Vec<f64> {
        (0..n).map(|i| self.weight(i, n)).collect()
    }

    /// [`weights`](Self::weights), or an allocation error.
    fn try_weights(&self, n: usize) -> Result<Vec<f64>> {
        try_collect((0..n).map(|i| self.weight(i, n)))
    }

    /// Weight `i` of a window of `n` samples (1 for `PerAxis`, whose
    /// weights are the caller's).
    fn weight(&self, i: usize, n: usize) -> f64 {
        match self {
            WindowFn::Hann => {
                let s = (std::f64::consts::PI * (i as f64 + 0.5) / n as f64).sin();
                s * s
            }
            WindowFn::Gaussian { sigma_scale } => {
                let sigma = sigma_scale * n as f64;
                let z = (i as f64 - (n as f64 - 1.0) / 2.0) / sigma;
                (-0.5 * z * z).exp()
            }
            WindowFn::PerAxis(_) => 1.0,
        }
    }
}

/// How overlapping patch elements combine when folded back.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "lowercase", tag = "reduce", content = "window")
)]
pub enum Reduce {
    /// Add them up (torch's `F.fold`, `tf.signal.overlap_and_add`).
    Sum,
    /// Average over the windows covering each element. Computed as a running
    /// mean, so equal contributions give back exactly that value.
    Mean,
    /// Weighted average with a weight per window position (the product of
    /// the per-axis weights), normalized by the summed weights. Equal
    /// contributions give back exactly that value: `f32` data is summed in
    /// `f64` and divided at the end, `f64` data kept as a running weighted
    /// mean.
    Weighted(WindowFn),
    /// The patch with the highest index that covers an element wins.
    Overwrite,
}

/// The accumulators of one slab of a fold, allocated (fallibly) before
/// anything is written; empty where the reduction needs none.
struct Acc<T> {
    /// Running count (Mean) or summed weight (Weighted) per element.
    norm: Vec<T>,
    /// Weighted folds of `f32` ([`FloatElement::WIDE_WEIGHTS`]): the sums
    /// of `w*v` and of `w` per element, in `f64`.
    wide: Vec<(f64, f64)>,
    /// Patch index + 1 of the current winner per element (Overwrite).
    winner: Vec<usize>,
}

impl<T: FloatElement> Acc<T> {
    /// Room for the accumulators `mode` needs for `len` elements: reserved
    /// here, before anything is written, and zeroed by [`Acc::zero`] on the
    /// thread that uses them (so that large slabs are first touched in
    /// parallel, each by its own thread).
    fn new(mode: Mode, len: usize) -> Result<Self> {
        let wide = mode == Mode::Weighted && T::WIDE_WEIGHTS;
        let n = |needed: bool| if needed { len } else { 0 };
        Ok(Acc {
            norm: try_with_capacity(n(mode == Mode::Mean || (mode == Mode::Weighted && !wide)))?,
            wide: try_with_capacity(n(wide))?,
            winner: try_with_capacity(n(mode == Mode::Overwrite))?,
        })
    }

    /// Zeroes the accumulators reserved for `len` elements (no allocation:
    /// the room was reserved by [`Acc::new`]; the others stay empty).
    fn zero(&mut self, len: usize) {
        fn fill<V: Copy + Default>(v: &mut Vec<V>, len: usize) {
            v.clear();
            if v.capacity() >= len {
                v.resize(len, V::default());
            }
        }
        fill(&mut self.norm, len);
        fill(&mut self.wide, len);
        fill(&mut self.winner, len);
    }
}

/// A slab of the fold's target (indices `range` of its first axis) with
/// its accumulators: the work of one thread.
struct Slab<'a, T> {
    out: &'a mut [T],
    range: Range<usize>,
    acc: Acc<T>,
}

/// Accumulates the pieces of a walk over the patches into the target.
struct FoldSink<'a, T> {
    patches: &'a [T],
    /// The target elements `lo..lo + out.len()` this sink owns (a thread's
    /// slab); contributions elsewhere are left to the other sinks.
    out: &'a mut [T],
    lo: usize,
    /// The slab's accumulators (see [`Acc`]), borrowed as slices.
    norm: &'a mut [T],
    wide: &'a mut [(f64, f64)],
    winner: &'a mut [usize],
    mode: Mode,
    block: usize,
    order: PatchOrder,
    patch_len: usize,
    num_patches: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Sum,
    Mean,
    Weighted,
    Overwrite,
}

impl<T: FloatElement> FoldSink<'_, T> {
    #[inline]
    fn patch_of(&self, pos: usize) -> usize {
        match self.order {
            PatchOrder::PatchMajor => pos / self.patch_len,
            PatchOrder::FeatureMajor => pos % self.num_patches,
        }
    }

    /// Folds `len` contiguous patch elements at `out` onto the `len`
    /// contiguous target elements at `dst`, all with weight `weight`.
    #[inline]
    fn span(&mut self, out: usize, dst: usize, len: usize, weight: f64) {
        let src = &self.patches[out..out + len];
        let target = &mut self.out[dst..dst + len];
        match self.mode {
            Mode::Sum => {
                for (d, &v) in target.iter_mut().zip(src) {
                    *d += v;
                }
            }
            Mode::Mean => {
                // A running mean: equal contributions give exactly that value.
                let norm = &mut self.norm[dst..dst + len];
                for ((d, c), &v) in target.iter_mut().zip(norm).zip(src) {
                    *c += T::ONE;
                    *d += (v - *d) / *c;
                }
            }
            Mode::Weighted if T::WIDE_WEIGHTS => {
                for (acc, &v) in self.wide[dst..dst + len].iter_mut().zip(src) {
                    acc.0 += weight * v.to_f64();
                    acc.1 += weight;
                }
            }
            Mode::Weighted => {
                let w = T::from_weight(weight);
                if w.partial_cmp(&T::ZERO) != Some(std::cmp::Ordering::Greater) {
                    return;
                }
                let norm = &mut self.norm[dst..dst + len];
                for ((d, c), &v) in target.iter_mut().zip(norm).zip(src) {
                    *c += w;
                    *d += (v - *d) * (w / *c);
                }
            }
            Mode::Overwrite => {
                for (i, &v) in src.iter().enumerate() {
                    let k = self.patch_of(out + i) + 1;
                    if k >= self.winner[dst + i] {
                        self.winner[dst + i] = k;
                        self.out[dst + i] = v;
                    }
                }
            }
        }
    }

    /// A weighted fold of a contiguous row of single elements whose weights
    /// vary along the row.
    #[inline]
    fn weighted_row(&mut self, out: usize, dst: usize, w: RunWeights<'_>) {
        let n = w.row.len();
        let src = &self.patches[out..out + n];
        if T::WIDE_WEIGHTS {
            for ((acc, &v), &wr) in self.wide[dst..dst + n].iter_mut().zip(src).zip(w.row) {
                let wt = w.scale * wr;
                acc.0 += wt * v.to_f64();
                acc.1 += wt;
            }
            return;
        }
        let target = &mut self.out[dst..dst + n];
        let norm = &mut self.norm[dst..dst + n];
        for (((d, c), &v), &wr) in target.iter_mut().zip(norm).zip(src).zip(w.row) {
            let wt = T::from_weight(w.scale * wr);
            if wt.partial_cmp(&T::ZERO) == Some(std::cmp::Ordering::Greater) {
                *c += wt;
                *d += (v - *d) * (wt / *c);
            }
        }
    }
}

impl<T: FloatElement> Sink for FoldSink<'_, T> {
    #[inline]
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        real: bool,
        w: RunWeights<'_>,
    ) {
        if !real {
            return;
        }
        let b = self.block;
        let (lo, hi) = (self.lo, self.lo + self.out.len());
        let contiguous = n == 1 || step == b as isize;
        if contiguous && (w.row.is_empty() || self.mode != Mode::Weighted) {
            // One contiguous span of the target, clipped to this sink's slab.
            let (a0, a1) = (src.max(lo), (src + n * b).min(hi));
            if a0 < a1 {
                self.span(out + (a0 - src), a0 - lo, a1 - a0, w.scale);
            }
        } else if contiguous && b == 1 && self.mode == Mode::Weighted && w.row.len() == n {
            let (a0, a1) = (src.max(lo), (src + n).min(hi));
            if a0 < a1 {
                let row = &w.row[a0 - src..a1 - src];
                self.weighted_row(
                    out + (a0 - src),
                    a0 - lo,
                    RunWeights {
                        scale: w.scale,
                        row,
                    },
                );
            }
        } else {
            let mut at = src as isize;
            for t in 0..n {
                let s = at as usize;
                let (a0, a1) = (s.max(lo), (s + b).min(hi));
                if a0 < a1 {
                    self.span(out + t * b + (a0 - s), a0 - lo, a1 - a0, w.at(t));
                }
                at = at.wrapping_add(step);
            }
        }
    }

    fn remapped(&mut self, _out: usize, _src: usize) {}

    fn constant(&mut self, _out: usize, _n: usize) {}
}

impl Plan {
    /// Folds `patches` (as [`extract`](Plan::extract) lays them out in
    /// `order`) back into a new C-contiguous array of the input's shape.
    ///
    /// Patch elements that lie in padding are dropped, as torch's `F.fold`
    /// crops them; elements no window covers are 0. The plan's item size
    /// must be `T`'s, as for [`extract`](Plan::extract) (a plan of `u8`
    /// patches folds `f32` ones through [`with_itemsize`](Plan::with_itemsize)).
    ///
    /// ```
    /// use patch_core::{Layout, PatchOrder, PatchSpec, Plan, Reduce, Padding, WindowFn};
    ///
    /// // Sliding-window inference on a 100x100 image: 32x32 tiles, step 24,
    /// // the last tile shifted back to the border (Cover), outputs blended
    /// // with Gaussian weights.
    /// let image: Vec<f32> = (0..100 * 100).map(|v| (v % 97) as f32).collect();
    /// let layout = Layout::of::<f32>(&[100, 100]).unwrap();
    /// let spec = PatchSpec::sliding(&[32, 32], &[24, 24]).unwrap();
    /// let plan = Plan::new(&layout, &spec, &Padding::cover()).unwrap();
    /// assert_eq!(plan.grid(), vec![4, 4]);
    /// let tiles = plan.extract(&image, PatchOrder::PatchMajor).unwrap();
    /// // ... run a model on each tile; here the identity ...
    /// let blended = plan
    ///     .fold(tiles.data(), PatchOrder::PatchMajor, &Reduce::Weighted(WindowFn::gaussian()))
    ///     .unwrap();
    /// // Equal contributions blend back to exactly the input, in its shape.
    /// assert_eq!(blended.shape(), &[100, 100]);
    /// assert_eq!(blended.data(), image);
    /// ```
    pub fn fold<T: FloatElement>(
        &self,
        patches: &[T],
        order: PatchOrder,
        reduce: &Reduce,
    ) -> Result<NdArray<T>> {
        check_itemsize::<T>(self, "patch buffer")?;
        let mut out = try_zeroed::<T>(self.layout().num_elements())?;
        self.fold_into(patches, &mut out, order, reduce)?;
        NdArray::from_vec(try_to_vec(self.layout().shape())?, out)
    }

    /// Folds `patches` into `out` (C-contiguous, the input's shape, whatever
    /// the input's strides were), which is overwritten. The arguments are
    /// checked, and the fold's accumulators (a count or weight per element
    /// for `Mean` and `Weighted`, a winner per element for `Overwrite`)
    /// allocated, before anything is written: on any error, `out` is left
    /// as it was. The plan's item size must be `T`'s.
    pub fn fold_into<T: FloatElement>(
        &self,
        patches: &[T],
        out: &mut [T],
        order: PatchOrder,
        reduce: &Reduce,
    ) -> Result<()> {
        check_itemsize::<T>(self, "patch buffer")?;
        check_patches(self, patches.len())?;
        let n = self.layout().num_elements();
        if out.len() != n {
            bail!(
                BufferSize,
                "the fold output holds {} elements but shape {} needs {n}",
                out.len(),
                Short(self.layout().shape())
            );
        }
        let mode = match reduce {
            Reduce::Sum => Mode::Sum,
            Reduce::Mean => Mode::Mean,
            Reduce::Weighted(_) => Mode::Weighted,
            Reduce::Overwrite => Mode::Overwrite,
        };
        if let Reduce::Weighted(WindowFn::Gaussian { sigma_scale }) = reduce
            && !(sigma_scale.is_finite() && *sigma_scale > 0.0)
        {
            bail!(
                InvalidArgument,
                "Gaussian sigma_scale {sigma_scale} must be finite and > 0"
            );
        }
        if n == 0 || self.copy_len() == 0 {
            out.fill(T::ZERO);
            return Ok(());
        }
        // Window sizes are bounded by the copy length from here on.
        let weights = match reduce {
            Reduce::Weighted(f) => Some(self.window_weights(f)?),
            _ => None,
        };
        let strides = c_strides(self.layout().shape())?;
        // Windows that never share an element: every element gets at most one
        // contribution, which every reduction keeps as it is (a weighted one
        // too, when its weight is positive), so the fold is a scatter.
        let positive = weights.as_ref().is_none_or(|ws| {
            let min: f64 = ws
                .iter()
                .filter(|w| !w.is_empty())
                .map(|w| w.iter().copied().fold(f64::INFINITY, f64::min))
                .product();
            T::from_weight(min).partial_cmp(&T::ZERO) == Some(std::cmp::Ordering::Greater)
        });
        let direct = positive && !self.axes().iter().any(|a| a.windows_collide());
        // Every element gets exactly one contribution: no zero-fill first.
        let covered = direct && self.axes().iter().all(|a| a.reads_each_once());
        if direct && self.is_view() {
            let view = self.view_strides_over(&strides, size_of::<T>())?;
            let dims = ordered(
                self.shape(),
                &view.elements,
                self.outer_shape().len(),
                order,
            );
            let kernel = Strided::new(dims, 0, size_of::<T>())?;
            if !covered {
                out.fill(T::ZERO);
            }
            kernel.scatter(as_bits(patches), as_bits_mut(out));
            return Ok(());
        }
        let walk = Walk::new(
            self,
            &strides,
            0,
            order,
            if direct { None } else { weights.as_deref() },
        )?;
        if direct {
            // A scatter is memory-bound: one thread.
            if !covered {
                out.fill(T::ZERO);
            }
            let block = walk.block();
            walk.run(&mut ScatterSink {
                patches,
                data: out,
                block,
            });
            return Ok(());
        }
        // Threads own disjoint slabs of the target along its first axis; each
        // walks every patch and keeps the contributions that land in its slab.
        let (rows, slab) = match self.layout().shape().split_first() {
            Some((&rows, rest)) => (rows, rest.iter().product::<usize>()),
            None => (1, 1),
        };
        let parts = parallel_parts(rows, self.copy_len() * size_of::<T>());
        let mut slabs = slabs::<T>(out, rows, slab, parts, mode)?;
        let fold_slab = |s: &mut Slab<'_, T>| {
            s.out.fill(T::ZERO);
            s.acc.zero(s.out.len());
            let mut sink = FoldSink {
                patches,
                out: &mut *s.out,
                lo: s.range.start * slab,
                norm: &mut s.acc.norm,
                wide: &mut s.acc.wide,
                winner: &mut s.acc.winner,
                mode,
                block: walk.block(),
                order,
                patch_len: self.patch_len(),
                num_patches: self.num_patches(),
            };
            walk.run(&mut sink);
            if mode == Mode::Weighted && T::WIDE_WEIGHTS {
                for (o, &(sum, weight)) in s.out.iter_mut().zip(&s.acc.wide) {
                    *o = if weight > 0.0 {
                        T::from_weight(sum / weight)
                    } else {
                        T::ZERO
                    };
                }
            }
        };
        let n_slabs = slabs.len();
        let Ok(()) = in_parts::<_, Infallible>(&mut slabs, n_slabs, 1, n_slabs, |part, _| {
            part.iter_mut().for_each(fold_slab);
            Ok(())
        });
        Ok(())
    }

    /// The weights a [`Reduce::Weighted`] fold with `f` gives each position
    /// of a window, one list per input axis (the window's size for a window
    /// axis, empty for the other axes): a window's weight at an inner
    /// position is the product of its axes' entries, and the fold divides
    /// by the sum of those products over the windows covering an element.
    /// Checked as the fold checks them (`PerAxis` lists: one per window
    /// axis, each of its window's size, finite and `>= 0`; a Gaussian's
    /// `sigma_scale` finite and `> 0`).
    ///
    /// ```
    /// use patch_core::{Layout, PatchSpec, Plan, WindowFn};
    ///
    /// let plan = Plan::valid(&Layout::of::<f32>(&[8, 8]).unwrap(), &PatchSpec::tiles(&[4, 4])).unwrap();
    /// let w = plan.window_weights(&WindowFn::gaussian()).unwrap();
    /// assert_eq!((w.len(), w[0].len()), (2, 4));
    /// assert_eq!(w[0], WindowFn::gaussian().weights(4));
    /// ```
    pub fn window_weights(&self, f: &WindowFn) -> Result<Vec<Vec<f64>>> {
        let n_windows = self.grid().len();
        let windows = || {
            self.axes()
                .iter()
                .filter_map(|a| a.window().map(|w| w.size))
        };
        let mut per_window: Vec<Vec<f64>> = try_with_capacity(n_windows)?;
        match f {
            WindowFn::PerAxis(lists) => {
                if lists.len() != n_windows {
                    bail!(
                        RankMismatch,
                        "{} weight lists given for {n_windows} window axes",
                        lists.len(),
                    );
                }
                for (i, (list, size)) in lists.iter().zip(windows()).enumerate() {
                    if list.len() != size {
                        bail!(
                            RankMismatch,
                            "weight list {i} has {} entries but its window has {size}",
                            list.len()
                        );
                    }
                    if let Some(bad) = list.iter().find(|w| !w.is_finite() || **w < 0.0) {
                        bail!(
                            InvalidArgument,
                            "weight {bad} in list {i} is not a finite number >= 0"
                        );
                    }
                    per_window.push(try_to_vec(list)?);
                }
            }
            WindowFn::Gaussian { sigma_scale }
                if !(sigma_scale.is_finite() && *sigma_scale > 0.0) =>
            {
                bail!(
                    InvalidArgument,
                    "Gaussian sigma_scale {sigma_scale} must be finite and > 0"
                );
            }
            _ => {
                for size in windows() {
                    per_window.push(f.try_weights(size)?);
                }
            }
        }
        let mut it = per_window.into_iter();
        try_collect(self.axes().iter().map(|a| match a.role {
            AxisRole::Window(_) => it.next().unwrap_or_default(),
            _ => Vec::new(),
        }))
    }
}

/// The target cut into at most `parts` slabs along its first axis (`rows`
/// indices of `slab` elements each), each with the accumulators of `mode`:
/// all allocated before any slab is written.
fn slabs<T: FloatElement>(
    out: &mut [T],
    rows: usize,
    slab: usize,
    parts: usize,
    mode: Mode,
) -> Result<Vec<Slab<'_, T>>> {
    let chunk = rows.div_ceil(parts.max(1)).max(1);
    let mut slabs = try_with_capacity(rows.div_ceil(chunk))?;
    for (i, part) in out.chunks_mut(chunk * slab).enumerate() {
        let first = i * chunk;
        let acc = Acc::new(mode, part.len())?;
        slabs.push(Slab {
            out: part,
            range: first..(first + chunk).min(rows),
            acc,
        });
    }
    Ok(slabs)
}

/// Writes the real (non-padding) pieces of patches back into the whole
/// array (one thread: a scatter is memory-bound): the inverse of a copy
/// where no two positions reach one element.
struct ScatterSink<'a, T> {
    patches: &'a [T],
    data: &'a mut [T],
    block: usize,
}

impl<T: Copy> Sink for ScatterSink<'_, T> {
    fn interior(
        &mut self,
        out: usize,
        src: usize,
        step: isize,
        n: usize,
        real: bool,
        _w: RunWeights<'_>,
    ) {
        if !real {
            return;
        }
        let b = self.block;
        if n == 1 || step == b as isize {
            let len = n * b;
            self.data[src..src + len].copy_from_slice(&self.patches[out..out + len]);
            return;
        }
        let mut at = src as isize;
        for t in 0..n {
            let (s, o) = (at as usize, out + t * b);
            self.data[s..s + b].copy_from_slice(&self.patches[o..o + b]);
            at = at.wrapping_add(step);
        }
    }

    fn remapped(&mut self, _out: usize, _src: usize) {}

    fn constant(&mut self, _out: usize, _n: usize) {}
}
