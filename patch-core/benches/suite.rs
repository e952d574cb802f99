//! The native benchmark suite: every copy workload side by side with its
//! baselines (`memcpy` of the same bytes, a fill of the output, a plain
//! nested loop, ndarray) measured in the same process, single-thread first,
//! then on every core. Prints a table and writes `bench-results/native.json`
//! (or `$BENCH_OUT/native.json`) for `scripts/bench_report.py`.
//!
//! `cargo bench -p patch-core --bench suite` (or `make bench` for the whole
//! suite with numpy, the C ABI and WebAssembly). `BENCH_QUICK=1` shortens
//! the runs; `BENCH_ONLY=vit_pre` runs only the workloads whose name
//! contains the text.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use half::{bf16, f16};
use ndarray::ArrayView3;
use patch_core::{
    Affine, ExtractOptions, Layout, PadMode, Padding, PatchOrder, PatchSpec, PixelFormat, Plan,
    Qwen2Vl, Reduce, StreamFramer, StreamOverlapAdd, WindowFn, frame, frame_count, frame_into_with,
    overlap_add_into, overlap_add_len, set_num_threads, window,
};
use serde_json::{Value, json};

/// A named variant of a workload: what one call does.
type Variant<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// One measured variant of a workload.
struct Row {
    workload: &'static str,
    variant: &'static str,
    threads: usize,
    secs: f64,
    bytes: usize,
}

struct Suite {
    rows: Vec<Row>,
    /// `BENCH_ONLY`: run only the workloads whose name contains it.
    only: Option<String>,
    sample: Duration,
    samples: usize,
}

impl Suite {
    /// Median seconds per call of `f` over several samples.
    fn time(&self, f: &mut dyn FnMut()) -> f64 {
        f();
        // Calibrate the number of calls per sample.
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < self.sample / 4 {
            f();
            calls += 1;
        }
        let per_sample = (calls * 4).max(1);
        let mut times: Vec<f64> = (0..self.samples)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..per_sample {
                    f();
                }
                t.elapsed().as_secs_f64() / per_sample as f64
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        times[times.len() / 2]
    }

    /// Measures the variants of one workload (interleaved, so drift hits all
    /// of them alike) and prints them with their ratios to the baselines.
    fn run(
        &mut self,
        workload: &'static str,
        bytes: usize,
        threads: usize,
        variants: Vec<Variant<'_>>,
    ) {
        if self
            .only
            .as_ref()
            .is_some_and(|o| !workload.contains(o.as_str()))
        {
            return;
        }
        let mut variants = variants;
        let mut results: Vec<(&'static str, f64)> =
            variants.iter().map(|v| (v.0, f64::INFINITY)).collect();
        for _ in 0..2 {
            for (i, (_, f)) in variants.iter_mut().enumerate() {
                let t = self.time(f.as_mut());
                results[i].1 = results[i].1.min(t);
            }
        }
        let baselines: Vec<(&str, f64)> = results
            .iter()
            .filter(|(name, _)| matches!(*name, "memcpy" | "fill"))
            .copied()
            .collect();
        println!(
            "\n{workload} ({:.2} MB out, {threads} thread{})",
            bytes as f64 / 1e6,
            if threads == 1 { "" } else { "s" }
        );
        for &(variant, secs) in &results {
            let ratios: Vec<String> = baselines
                .iter()
                .filter(|(b, _)| *b != variant)
                .map(|(b, t)| format!("{:.2}x {b}", secs / t))
                .collect();
            println!(
                "  {variant:<14} {:>10.1} us {:>7.2} GB/s   {}",
                secs * 1e6,
                bytes as f64 / secs / 1e9,
                ratios.join("  ")
            );
            self.rows.push(Row {
                workload,
                variant,
                threads,
                secs,
                bytes,
            });
        }
    }

    fn json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|r| {
                    json!({"suite": "native", "workload": r.workload, "variant": r.variant,
                           "threads": r.threads, "seconds": r.secs, "bytes": r.bytes})
                })
                .collect(),
        )
    }
}

/// The `memcpy` baseline: copying `src` into a buffer of the same length.
fn memcpy_of<T: Copy + Default + 'static>(src: &[T]) -> Variant<'static> {
    let src = src.to_vec();
    let mut dst = vec![T::default(); src.len()];
    (
        "memcpy",
        Box::new(move || dst.copy_from_slice(black_box(&src))),
    )
}

/// The `fill` baseline: writing `value` over `n` elements.
fn fill_of<T: Copy + Default + 'static>(n: usize, value: T) -> Variant<'static> {
    let mut dst = vec![T::default(); n];
    ("fill", Box::new(move || dst.fill(black_box(value))))
}

fn fill_f32(n: usize) -> Vec<f32> {
    (0..n).map(|i| (i % 1000) as f32 * 0.5).collect()
}

fn fill_u8(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

/// ViT patchify by index: `[B, H, W, C]` into `[B*gh*gw, p*p*C]`.
fn vit_loop<T: Copy>(src: &[T], dst: &mut [T], b: usize, h: usize, w: usize, c: usize, p: usize) {
    let mut o = 0;
    for n in 0..b {
        for gy in 0..h / p {
            for gx in 0..w / p {
                for y in 0..p {
                    for x in 0..p {
                        for ch in 0..c {
                            dst[o] = src[((n * h + gy * p + y) * w + gx * p + x) * c + ch];
                            o += 1;
                        }
                    }
                }
            }
        }
    }
}

/// The ndarray way: `windows_with_stride`, each window copied into its row.
fn vit_ndarray(src: &ArrayView3<u8>, dst: &mut [u8], p: usize) {
    let c = src.shape()[2];
    let rows = dst.chunks_exact_mut(p * p * c);
    for (w, row) in src
        .windows_with_stride((p, p, c), (p, p, c))
        .into_iter()
        .zip(rows)
    {
        for (d, s) in row.iter_mut().zip(w.iter()) {
            *d = *s;
        }
    }
}

/// im2col NHWC (one image) with SAME zero padding, patch-major, by index.
fn im2col_nhwc_loop(src: &[f32], dst: &mut [f32], h: usize, w: usize, c: usize, k: usize) {
    let pad = (k / 2) as isize;
    let mut o = 0;
    for y in 0..h as isize {
        for x in 0..w as isize {
            for dy in 0..k as isize {
                for dx in 0..k as isize {
                    let (sy, sx) = (y + dy - pad, x + dx - pad);
                    for ch in 0..c {
                        dst[o] = if sy >= 0 && sy < h as isize && sx >= 0 && sx < w as isize {
                            src[((sy as usize) * w + sx as usize) * c + ch]
                        } else {
                            0.0
                        };
                        o += 1;
                    }
                }
            }
        }
    }
}

/// unfold of CHW, feature-major `[C*k*k, gh*gw]`, by index.
#[allow(clippy::too_many_arguments)]
fn unfold_loop(
    src: &[f32],
    dst: &mut [f32],
    c: usize,
    h: usize,
    w: usize,
    k: usize,
    step: usize,
    pad: usize,
) {
    let gh = (h + 2 * pad - k) / step + 1;
    let gw = (w + 2 * pad - k) / step + 1;
    let mut o = 0;
    for ch in 0..c {
        for dy in 0..k {
            for dx in 0..k {
                for gy in 0..gh {
                    for gx in 0..gw {
                        let sy = (gy * step + dy) as isize - pad as isize;
                        let sx = (gx * step + dx) as isize - pad as isize;
                        dst[o] = if sy >= 0 && sy < h as isize && sx >= 0 && sx < w as isize {
                            src[(ch * h + sy as usize) * w + sx as usize]
                        } else {
                            0.0
                        };
                        o += 1;
                    }
                }
            }
        }
    }
}

fn frame_loop(src: &[f32], dst: &mut [f32], n: usize, len: usize, hop: usize) {
    for f in 0..n {
        for i in 0..len {
            dst[f * len + i] = src[f * hop + i];
        }
    }
}

fn ola_loop(frames: &[f32], out: &mut [f32], len: usize, hop: usize) {
    out.fill(0.0);
    for (f, frame) in frames.chunks_exact(len).enumerate() {
        for (i, &v) in frame.iter().enumerate() {
            out[f * hop + i] += v;
        }
    }
}

/// Mean fold of `[B, gh*gw, p*p]` patches back into `[B, H, W]`, by index.
fn fold_mean_loop(
    patches: &[f32],
    out: &mut [f32],
    count: &mut [f32],
    b: usize,
    h: usize,
    w: usize,
    p: usize,
) {
    out.fill(0.0);
    count.fill(0.0);
    let (gh, gw) = (h / p, w / p);
    let mut i = 0;
    for n in 0..b {
        for gy in 0..gh {
            for gx in 0..gw {
                for y in 0..p {
                    for x in 0..p {
                        let at = (n * h + gy * p + y) * w + gx * p + x;
                        out[at] += patches[i];
                        count[at] += 1.0;
                        i += 1;
                    }
                }
            }
        }
    }
    for (o, c) in out.iter_mut().zip(count.iter()) {
        if *c > 0.0 {
            *o /= *c;
        }
    }
}

/// Weighted fold of `[g*g, p*p]` windows (step s) into `[n, n]`, by index.
#[allow(clippy::too_many_arguments)]
fn fold_weighted_loop(
    patches: &[f32],
    out: &mut [f32],
    norm: &mut [f32],
    wts: &[f32],
    n: usize,
    p: usize,
    s: usize,
) {
    out.fill(0.0);
    norm.fill(0.0);
    let g = (n - p) / s + 1;
    let mut i = 0;
    for gy in 0..g {
        for gx in 0..g {
            for y in 0..p {
                for x in 0..p {
                    let at = (gy * s + y) * n + gx * s + x;
                    let wt = wts[y] * wts[x];
                    out[at] += wt * patches[i];
                    norm[at] += wt;
                    i += 1;
                }
            }
        }
    }
    for (o, c) in out.iter_mut().zip(norm.iter()) {
        if *c > 0.0 {
            *o /= *c;
        }
    }
}

fn plan(shape: &[usize], itemsize: usize, spec: PatchSpec, padding: Padding) -> Plan {
    Plan::new(
        &Layout::contiguous(shape, itemsize).unwrap(),
        &spec,
        &padding,
    )
    .unwrap()
}

/// ViT preprocessing in one plain loop: RGBA `[h, w, 4]` pixels into
/// `[gh*gw, 3*p*p]` `(C, ph, pw)` tokens, `x * scale[c] + shift[c]`.
fn vit_preprocess_loop(
    rgba: &[u8],
    dst: &mut [f32],
    h: usize,
    w: usize,
    p: usize,
    k: &[(f32, f32); 3],
) {
    let mut o = 0;
    for gy in 0..h / p {
        for gx in 0..w / p {
            for (c, &(a, b)) in k.iter().enumerate() {
                for y in 0..p {
                    let row = ((gy * p + y) * w + gx * p) * 4 + c;
                    for x in 0..p {
                        dst[o] = rgba[row + x * 4] as f32 * a + b;
                        o += 1;
                    }
                }
            }
        }
    }
}

/// The separate normalize pass after a u8 copy of `(C, ph, pw)` tokens.
fn normalize_pass(tokens: &[u8], dst: &mut [f32], pp: usize, k: &[(f32, f32); 3]) {
    for (t, d) in tokens
        .chunks_exact(3 * pp)
        .zip(dst.chunks_exact_mut(3 * pp))
    {
        for (c, &(a, b)) in k.iter().enumerate() {
            for (d, &x) in d[c * pp..(c + 1) * pp]
                .iter_mut()
                .zip(&t[c * pp..(c + 1) * pp])
            {
                *d = x as f32 * a + b;
            }
        }
    }
}

/// A plan over a batch of `b` RGBA `h x w` images read as CHW RGB.
fn rgba_chw_plan(b: usize, h: usize, w: usize, p: usize) -> Plan {
    let one = Layout::pixels_chw::<u8>(PixelFormat::Rgba, h, w).unwrap();
    let spec = PatchSpec::tiles(&[p, p]).channels_first();
    if b == 1 {
        return Plan::valid(&one, &spec).unwrap();
    }
    let mut shape = vec![b];
    shape.extend_from_slice(one.shape());
    let mut strides = vec![(h * w * 4) as isize];
    strides.extend_from_slice(one.strides());
    let layout = Layout::new(&shape, &strides, 0, 1).unwrap();
    Plan::valid(&layout, &spec.batched()).unwrap()
}

/// Qwen2-VL's order written as nested loops (patch 14, merge 2, temporal
/// 2, an even frame count): one row of 14 pixels at a time.
fn qwen2vl_loop(src: &[f32], dst: &mut [f32], c: usize, h: usize, w: usize) {
    let (p, m, tp) = (14, 2, 2);
    let gt = src.len() / (c * h * w) / tp;
    let (bh, bw) = (h / p / m, w / p / m);
    let mut o = 0;
    for t in 0..gt {
        for by in 0..bh {
            for bx in 0..bw {
                for my in 0..m {
                    for mx in 0..m {
                        for ci in 0..c {
                            for f in 0..tp {
                                for py in 0..p {
                                    let y = (by * m + my) * p + py;
                                    let x = (bx * m + mx) * p;
                                    let s = (((t * tp + f) * c + ci) * h + y) * w + x;
                                    dst[o..o + p].copy_from_slice(&src[s..s + p]);
                                    o += p;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn main() {
    let quick = std::env::var("BENCH_QUICK").is_ok();
    let mut suite = Suite {
        rows: Vec::new(),
        only: std::env::var("BENCH_ONLY").ok(),
        sample: Duration::from_millis(if quick { 40 } else { 120 }),
        samples: if quick { 3 } else { 7 },
    };
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let thread_counts: Vec<usize> = if all > 1 { vec![1, all] } else { vec![1] };

    // Inputs, shared by every run.
    let img_u8 = fill_u8(224 * 224 * 3);
    let batch_u8 = fill_u8(64 * 224 * 224 * 3);
    let img_1k = fill_f32(1024 * 1024 * 3);
    let nhwc = fill_f32(56 * 56 * 64);
    let nchw = fill_f32(64 * 56 * 56);
    let stem = fill_f32(3 * 224 * 224);
    let audio = fill_f32(960_000);
    let tiny = fill_u8(32 * 32 * 3);

    for &threads in &thread_counts {
        set_num_threads(threads);
        let t = threads;

        // Qwen2-VL token order: 2 frames [2, 3, 448, 448] f32 into
        // [1024, 1176] tokens (the processor's reshape/transpose/reshape),
        // against a plain nested loop and memcpy of the output.
        {
            let (tt, c, h, w) = (2, 3, 448, 448);
            let frames = fill_f32(tt * c * h * w);
            let layout = Layout::of::<f32>(&[tt, c, h, w]).unwrap();
            let q = Qwen2Vl::default();
            let opts = ExtractOptions::<f32>::new();
            let n = 1024 * 1176;
            let (mut d1, mut d2) = (vec![0f32; n], vec![0f32; n]);
            q.extract_into_with(&frames, &layout, &mut d1, &opts)
                .unwrap();
            qwen2vl_loop(&frames, &mut d2, c, h, w);
            assert_eq!(d1, d2, "qwen2vl: the view copy differs from the plain loop");
            suite.run(
                "qwen2vl_order",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            q.extract_into_with(black_box(&frames), &layout, &mut d1, &opts)
                                .unwrap()
                        }),
                    ),
                    (
                        "plain_loop",
                        Box::new(|| qwen2vl_loop(black_box(&frames), &mut d2, c, h, w)),
                    ),
                    memcpy_of(&fill_f32(n)),
                ],
            );
        }

        // vit_u8: one image and a batch of 64.
        {
            let p = plan(
                &[224, 224, 3],
                1,
                PatchSpec::tiles(&[16, 16]).channels_last(),
                Padding::valid(),
            );
            let n = p.copy_len();
            let (mut d1, mut d3, mut d4) = (vec![0u8; n], vec![0u8; n], vec![0u8; n]);
            let view = ArrayView3::from_shape((224, 224, 3), &img_u8).unwrap();
            suite.run(
                "vit_u8",
                n,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&img_u8), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&img_u8),
                    (
                        "plain_loop",
                        Box::new(|| vit_loop(black_box(&img_u8), &mut d3, 1, 224, 224, 3, 16)),
                    ),
                    (
                        "ndarray",
                        Box::new(|| vit_ndarray(black_box(&view), &mut d4, 16)),
                    ),
                    fill_of(n, 0u8),
                ],
            );
        }
        {
            let p = plan(
                &[64, 224, 224, 3],
                1,
                PatchSpec::tiles(&[16, 16]).channels_last().batched(),
                Padding::valid(),
            );
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0u8; n], vec![0u8; n]);
            suite.run(
                "vit_u8_b64",
                n,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&batch_u8), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&batch_u8),
                    (
                        "plain_loop",
                        Box::new(|| vit_loop(black_box(&batch_u8), &mut d3, 64, 224, 224, 3, 16)),
                    ),
                ],
            );
        }
        {
            let p = plan(
                &[1024, 1024, 3],
                4,
                PatchSpec::tiles(&[16, 16]).channels_last(),
                Padding::valid(),
            );
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0f32; n], vec![0f32; n]);
            suite.run(
                "vit_f32_1k",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&img_1k), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&img_1k),
                    (
                        "plain_loop",
                        Box::new(|| vit_loop(black_box(&img_1k), &mut d3, 1, 1024, 1024, 3, 16)),
                    ),
                ],
            );
        }
        // im2col NHWC, 3x3, SAME: [3136, 576].
        {
            let spec = PatchSpec::sliding(&[3, 3], &[1, 1])
                .unwrap()
                .channels_last();
            let p = plan(&[56, 56, 64], 4, spec, Padding::same(PadMode::Constant));
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0f32; n], vec![0f32; n]);
            suite.run(
                "im2col_nhwc",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&nhwc), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    fill_of(n, 0.0f32),
                    memcpy_of(&fill_f32(n)),
                    (
                        "plain_loop",
                        Box::new(|| im2col_nhwc_loop(black_box(&nhwc), &mut d3, 56, 56, 64, 3)),
                    ),
                ],
            );
        }
        // unfold NCHW, 3x3, SAME, feature-major: [576, 3136].
        {
            let spec = PatchSpec::sliding(&[3, 3], &[1, 1])
                .unwrap()
                .channels_first();
            let p = plan(&[64, 56, 56], 4, spec, Padding::same(PadMode::Constant));
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0f32; n], vec![0f32; n]);
            suite.run(
                "unfold_nchw",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&nchw), &mut d1, PatchOrder::FeatureMajor)
                                .unwrap()
                        }),
                    ),
                    fill_of(n, 0.0f32),
                    memcpy_of(&fill_f32(n)),
                    (
                        "plain_loop",
                        Box::new(|| unfold_loop(black_box(&nchw), &mut d3, 64, 56, 56, 3, 1, 1)),
                    ),
                ],
            );
        }
        // ResNet stem: 7x7, step 2, padding 3, feature-major: [147, 12544].
        {
            let spec = PatchSpec::sliding(&[7, 7], &[2, 2])
                .unwrap()
                .channels_first();
            let p = plan(
                &[3, 224, 224],
                4,
                spec,
                Padding::explicit(&[(3, 3), (3, 3)], PadMode::Constant),
            );
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0f32; n], vec![0f32; n]);
            suite.run(
                "stem_k7s2",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&stem), &mut d1, PatchOrder::FeatureMajor)
                                .unwrap()
                        }),
                    ),
                    fill_of(n, 0.0f32),
                    (
                        "plain_loop",
                        Box::new(|| unfold_loop(black_box(&stem), &mut d3, 3, 224, 224, 7, 2, 3)),
                    ),
                ],
            );
        }
        // Fused preprocessing: RGBA pixels into normalized (C, ph, pw)
        // tokens in one pass, against the copy followed by a normalize
        // pass, one plain loop, and memcpy of the output.
        {
            let (h, w, pp) = (224, 224, 16);
            let rgba = fill_u8(h * w * 4);
            let (mean, std) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
            let norm = Affine::normalize(0, 1.0 / 255.0, &mean, &std).unwrap();
            let k: [(f32, f32); 3] =
                std::array::from_fn(|c| (norm.scale()[c] as f32, norm.shift()[c] as f32));
            let p = rgba_chw_plan(1, h, w, pp);
            let n = p.copy_len();
            let opts = ExtractOptions::<f32>::new().affine(norm.clone());
            let (mut d1, mut d2, mut d3) = (vec![0f32; n], vec![0f32; n], vec![0f32; n]);
            let mut tmp = vec![0u8; n];
            // Outputs checked equal first (the loop computes the documented formula).
            p.extract_into_with(&rgba, &mut d1, &opts).unwrap();
            vit_preprocess_loop(&rgba, &mut d3, h, w, pp, &k);
            assert_eq!(
                d1, d3,
                "vit_preprocess: the fused copy differs from the plain loop"
            );
            suite.run(
                "vit_preprocess",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into_with(black_box(&rgba), &mut d1, &opts)
                                .unwrap()
                        }),
                    ),
                    (
                        "copy_then_norm",
                        Box::new(|| {
                            p.extract_into(black_box(&rgba), &mut tmp, PatchOrder::PatchMajor)
                                .unwrap();
                            normalize_pass(&tmp, &mut d2, pp * pp, &k);
                        }),
                    ),
                    (
                        "plain_loop",
                        Box::new(|| vit_preprocess_loop(black_box(&rgba), &mut d3, h, w, pp, &k)),
                    ),
                    memcpy_of(&fill_f32(n)),
                ],
            );
            let b = 64;
            let batch = fill_u8(b * h * w * 4);
            let p = rgba_chw_plan(b, h, w, pp);
            let n = p.copy_len();
            let mut d1 = vec![0f32; n];
            suite.run(
                "vit_preprocess_b64",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into_with(black_box(&batch), &mut d1, &opts)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&fill_f32(n)),
                ],
            );
            drop(d1);
            let mut h1 = vec![f16::ZERO; n];
            let hopts = ExtractOptions::<f16>::new().affine(norm.clone());
            suite.run(
                "vit_preprocess_b64_f16",
                n * 2,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into_with(black_box(&batch), &mut h1, &hopts)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&vec![0u16; n]),
                ],
            );
            drop(h1);
            let mut b1 = vec![bf16::ZERO; n];
            let bopts = ExtractOptions::<bf16>::new().affine(norm);
            suite.run(
                "vit_preprocess_b64_bf16",
                n * 2,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into_with(black_box(&batch), &mut b1, &bopts)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&vec![0u16; n]),
                ],
            );
        }
        // Windowed frames: 30 s of 16 kHz audio, 400/160, periodic Hann, in
        // one pass against frame-then-multiply and memcpy of the frames.
        {
            let signal = fill_f32(30 * 16_000);
            let (len, hop) = (400, 160);
            let hann = window::hann(len, true).unwrap();
            let w32: Vec<f32> = hann.iter().map(|&v| v as f32).collect();
            let opts = ExtractOptions::<f32>::new().affine(Affine::window(0, &hann).unwrap());
            let p = plan(
                &[signal.len()],
                4,
                PatchSpec::frames(len, hop),
                Padding::valid(),
            );
            let n = p.copy_len();
            let (mut d1, mut d2) = (vec![0f32; n], vec![0f32; n]);
            frame_into_with(&signal, &mut d1, len, hop, false, &opts).unwrap();
            p.extract_into(&signal, &mut d2, PatchOrder::PatchMajor)
                .unwrap();
            for f in d2.chunks_exact_mut(len) {
                for (v, w) in f.iter_mut().zip(&w32) {
                    *v *= w;
                }
            }
            assert_eq!(d1, d2, "windowed frames differ from frame then multiply");
            suite.run(
                "frame_windowed",
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            frame_into_with(black_box(&signal), &mut d1, len, hop, false, &opts)
                                .unwrap()
                        }),
                    ),
                    (
                        "frame_then_mul",
                        Box::new(|| {
                            p.extract_into(black_box(&signal), &mut d2, PatchOrder::PatchMajor)
                                .unwrap();
                            for f in d2.chunks_exact_mut(len) {
                                for (v, w) in f.iter_mut().zip(&w32) {
                                    *v *= w;
                                }
                            }
                        }),
                    ),
                    memcpy_of(&fill_f32(n)),
                ],
            );
        }
        // Audio framing.
        for (name, len, hop) in [
            ("audio_frame_400_160", 400, 160),
            ("audio_frame_1024_256", 1024, 256),
        ] {
            let p = plan(
                &[audio.len()],
                4,
                PatchSpec::frames(len, hop),
                Padding::valid(),
            );
            let n = p.copy_len();
            let frames = p.num_patches();
            let (mut d1, mut d3) = (vec![0f32; n], vec![0f32; n]);
            suite.run(
                name,
                n * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.extract_into(black_box(&audio), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&fill_f32(n)),
                    (
                        "plain_loop",
                        Box::new(|| frame_loop(black_box(&audio), &mut d3, frames, len, hop)),
                    ),
                ],
            );
        }
        // Streaming framing: the same 60 s of 16 kHz audio pushed in chunks
        // of 480 samples (10 ms callbacks at 48 kHz), against `frame` of the
        // whole signal; one thread (a stream is framed where it arrives).
        if t == 1 {
            let (len, hop, chunk) = (400, 160, 480);
            let hann = window::hann(len, true).unwrap();
            let windowed = ExtractOptions::<f32>::new().affine(Affine::window(0, &hann).unwrap());
            for (name, opts) in [
                ("stream_frame_400_160", ExtractOptions::<f32>::new()),
                ("stream_frame_windowed", windowed),
            ] {
                let (n, _) = frame_count(audio.len(), len, hop, true).unwrap();
                let (mut d1, mut d2) = (vec![0f32; n * len], vec![0f32; n * len]);
                let mut framer = StreamFramer::with_options(len, hop, true, opts.clone()).unwrap();
                let stream = |framer: &mut StreamFramer<f32, f32>, out: &mut [f32]| {
                    let mut at = 0;
                    for c in audio.chunks(chunk) {
                        at += framer.push_into(black_box(c), &mut out[at..]).unwrap() * len;
                    }
                    framer.finish_into(&mut out[at..]).unwrap();
                };
                frame_into_with(&audio, &mut d1, len, hop, true, &opts).unwrap();
                stream(&mut framer, &mut d2);
                assert_eq!(d1, d2, "streamed frames differ from frame");
                suite.run(
                    name,
                    n * len * 4,
                    t,
                    vec![
                        (
                            "offline",
                            Box::new(|| {
                                frame_into_with(black_box(&audio), &mut d1, len, hop, true, &opts)
                                    .unwrap()
                            }),
                        ),
                        ("stream_480", Box::new(|| stream(&mut framer, &mut d2))),
                        memcpy_of(&fill_f32(n * len)),
                    ],
                );
            }
            // Streaming overlap-add of those frames, 3 at a time.
            let frames = frame(&audio, len, hop, true, 0.0).unwrap().into_vec();
            let out_len = overlap_add_len(frames.len(), len, hop).unwrap();
            let (mut o1, mut o2) = (vec![0f32; out_len], vec![0f32; out_len]);
            let mut ola = StreamOverlapAdd::new(len, hop).unwrap();
            let stream = |ola: &mut StreamOverlapAdd<f32>, out: &mut [f32]| {
                let mut at = 0;
                for b in frames.chunks(3 * len) {
                    at += ola.push_into(black_box(b), &mut out[at..]).unwrap();
                }
                ola.finish_into(&mut out[at..]).unwrap();
            };
            overlap_add_into(&frames, &mut o1, len, hop).unwrap();
            stream(&mut ola, &mut o2);
            assert_eq!(o1, o2, "streamed overlap-add differs from overlap_add");
            suite.run(
                "stream_ola_400_160",
                frames.len() * 4,
                t,
                vec![
                    (
                        "offline",
                        Box::new(|| {
                            overlap_add_into(black_box(&frames), &mut o1, len, hop).unwrap()
                        }),
                    ),
                    ("stream_3", Box::new(|| stream(&mut ola, &mut o2))),
                    memcpy_of(&frames),
                ],
            );
        }
        // Folds.
        {
            let p = plan(
                &[audio.len()],
                4,
                PatchSpec::frames(400, 160),
                Padding::valid(),
            );
            let frames = p
                .extract(&audio, PatchOrder::PatchMajor)
                .unwrap()
                .into_vec();
            let out_len = (p.num_patches() - 1) * 160 + 400;
            let (mut o1, mut o3) = (vec![0f32; out_len], vec![0f32; out_len]);
            suite.run(
                "fold_ola",
                frames.len() * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            overlap_add_into(black_box(&frames), &mut o1, 400, 160).unwrap()
                        }),
                    ),
                    memcpy_of(&frames),
                    (
                        "plain_loop",
                        Box::new(|| ola_loop(black_box(&frames), &mut o3, 400, 160)),
                    ),
                ],
            );
        }
        {
            let x = fill_f32(16 * 368 * 368);
            let p = plan(
                &[16, 368, 368],
                4,
                PatchSpec::tiles(&[2, 2]).batched(),
                Padding::valid(),
            );
            let patches = p.extract(&x, PatchOrder::PatchMajor).unwrap().into_vec();
            let (mut o1, mut o3, mut c3) = (
                vec![0f32; x.len()],
                vec![0f32; x.len()],
                vec![0f32; x.len()],
            );
            suite.run(
                "fold_mean_2x2",
                patches.len() * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.fold_into(
                                black_box(&patches),
                                &mut o1,
                                PatchOrder::PatchMajor,
                                &Reduce::Mean,
                            )
                            .unwrap()
                        }),
                    ),
                    memcpy_of(&patches),
                    (
                        "plain_loop",
                        Box::new(|| {
                            fold_mean_loop(black_box(&patches), &mut o3, &mut c3, 16, 368, 368, 2)
                        }),
                    ),
                ],
            );
        }
        {
            let x = fill_f32(512 * 512);
            let spec = PatchSpec::sliding(&[64, 64], &[32, 32]).unwrap();
            let p = plan(&[512, 512], 4, spec, Padding::valid());
            let patches = p.extract(&x, PatchOrder::PatchMajor).unwrap().into_vec();
            let w: Vec<f32> = WindowFn::gaussian()
                .weights(64)
                .iter()
                .map(|&v| v as f32)
                .collect();
            let (mut o1, mut o3, mut n3) = (
                vec![0f32; x.len()],
                vec![0f32; x.len()],
                vec![0f32; x.len()],
            );
            let reduce = Reduce::Weighted(WindowFn::gaussian());
            suite.run(
                "fold_gauss_512",
                patches.len() * 4,
                t,
                vec![
                    (
                        "patch_core",
                        Box::new(|| {
                            p.fold_into(
                                black_box(&patches),
                                &mut o1,
                                PatchOrder::PatchMajor,
                                &reduce,
                            )
                            .unwrap()
                        }),
                    ),
                    memcpy_of(&patches),
                    (
                        "plain_loop",
                        Box::new(|| {
                            fold_weighted_loop(
                                black_box(&patches),
                                &mut o3,
                                &mut n3,
                                &w,
                                512,
                                64,
                                32,
                            )
                        }),
                    ),
                ],
            );
        }
        // Tiny: call overhead of planning and copying 32x32x3 into 8x8 tiles.
        if threads == 1 {
            let layout = Layout::of::<u8>(&[32, 32, 3]).unwrap();
            let spec = PatchSpec::tiles(&[8, 8]).channels_last();
            let p = Plan::valid(&layout, &spec).unwrap();
            let n = p.copy_len();
            let (mut d1, mut d3) = (vec![0u8; n], vec![0u8; n]);
            suite.run(
                "tiny",
                n,
                t,
                vec![
                    (
                        "plan_and_copy",
                        Box::new(|| {
                            let p = Plan::valid(black_box(&layout), black_box(&spec)).unwrap();
                            p.extract_into(black_box(&tiny), &mut d1, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    (
                        "copy",
                        Box::new(|| {
                            p.extract_into(black_box(&tiny), &mut d3, PatchOrder::PatchMajor)
                                .unwrap()
                        }),
                    ),
                    memcpy_of(&tiny),
                ],
            );
        }
    }
    set_num_threads(0);

    let dir = std::env::var("BENCH_OUT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../bench-results").to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!("{dir}/native.json");
    std::fs::write(&path, serde_json::to_string_pretty(&suite.json()).unwrap()).unwrap();
    println!("\nwrote {path}");
}
