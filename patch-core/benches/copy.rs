//! Criterion benchmark of the headline copy: ViT patchify of a 224x224x3 u8
//! image into [196, 768] tokens, against `memcpy` of the same bytes and a
//! plain nested loop, in the same run. `cargo bench -p patch-core --bench copy`.
//! (The full suite with every workload and ratio table is `make bench`.)
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use patch_core::{Layout, PatchOrder, PatchSpec, Plan};

fn vit_naive(src: &[u8], dst: &mut [u8], h: usize, w: usize, c: usize, p: usize) {
    let mut o = 0;
    for gy in 0..h / p {
        for gx in 0..w / p {
            for y in 0..p {
                for x in 0..p {
                    for ch in 0..c {
                        dst[o] = src[((gy * p + y) * w + gx * p + x) * c + ch];
                        o += 1;
                    }
                }
            }
        }
    }
}

fn vit(c: &mut Criterion) {
    patch_core::set_num_threads(1);
    let (h, w, ch, p) = (224, 224, 3, 16);
    let src: Vec<u8> = (0..h * w * ch).map(|i| (i * 31 % 251) as u8).collect();
    let layout = Layout::of::<u8>(&[h, w, ch]).unwrap();
    let plan = Plan::valid(&layout, &PatchSpec::tiles(&[p, p]).channels_last()).unwrap();
    let mut dst = vec![0u8; plan.copy_len()];
    let mut g = c.benchmark_group("vit_u8_224");
    g.throughput(Throughput::Bytes(dst.len() as u64));
    g.bench_function("memcpy", |b| {
        b.iter(|| dst.copy_from_slice(black_box(&src)))
    });
    g.bench_function("patch_core", |b| {
        b.iter(|| {
            plan.extract_into(black_box(&src), &mut dst, PatchOrder::PatchMajor)
                .unwrap()
        })
    });
    g.bench_function("plain_loop", |b| {
        b.iter(|| vit_naive(black_box(&src), &mut dst, h, w, ch, p))
    });
    g.finish();
}

criterion_group!(benches, vit);
criterion_main!(benches);
