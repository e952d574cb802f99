//! frame / overlap_add / unframe against the naive reference: frames are
//! the signal read index by index, overlap_add the naive sum, unframe the
//! exact inverse where a frame covers the signal.
#![no_main]
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use patch_core::{Reduce, WindowFn, frame, frame_count, overlap_add, unframe};
use patch_testkit::covered;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(len), Ok(frame_len), Ok(hop), Ok(pad_end)) = (
        u.int_in_range(0usize..=300),
        u.int_in_range(0usize..=40),
        u.int_in_range(0usize..=40),
        u.arbitrary::<bool>(),
    ) else {
        return;
    };
    let x: Vec<f64> = (0..len).map(|i| (i as f64) * 0.25 + 1.0).collect();
    let counted = frame_count(len, frame_len, hop, pad_end);
    let framed = frame(&x, frame_len, hop, pad_end, -7.0);
    let (frames, n) = match (counted, framed) {
        (Ok((n, _)), Ok(f)) => (f, n),
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), b.kind());
            return;
        }
        (a, b) => panic!("frame_count {a:?} vs frame {:?}", b.map(|f| f.shape().to_vec())),
    };
    assert_eq!(frames.shape(), &[n, frame_len]);
    for k in 0..n {
        for j in 0..frame_len {
            let at = k * hop + j;
            let want = if at < len { x[at] } else { -7.0 };
            assert_eq!(frames.data()[k * frame_len + j], want, "frame {k} sample {j}");
        }
    }
    // overlap_add: the naive sum.
    let sum = overlap_add(frames.data(), frame_len, hop).unwrap();
    let mut want = vec![0.0; if n == 0 { 0 } else { (n - 1) * hop + frame_len }];
    for k in 0..n {
        for j in 0..frame_len {
            want[k * hop + j] += frames.data()[k * frame_len + j];
        }
    }
    assert_eq!(sum.data().len(), want.len());
    for (a, b) in sum.data().iter().zip(&want) {
        assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()));
    }
    // unframe: the exact inverse where covered.
    let hit = covered(len, n, frame_len, hop);
    for reduce in [Reduce::Mean, Reduce::Overwrite, Reduce::Weighted(WindowFn::Hann)] {
        let Ok(back) = unframe(frames.data(), len, frame_len, hop, pad_end, &reduce) else {
            continue;
        };
        for i in 0..len {
            let w = if hit[i] { x[i] } else { 0.0 };
            let g = back.data()[i];
            if !matches!(reduce, Reduce::Weighted(_)) || g != 0.0 || w == 0.0 {
                assert!((g - w).abs() <= 1e-9 * (1.0 + w.abs()), "{reduce:?} at {i}: {g} vs {w}");
            }
        }
    }
});
