//! `unframe` is the inverse of `frame`: for every frame length, hop,
//! `pad_end` and signal length, `unframe(frame(x))` gives `x` back exactly
//! where a frame covers it and 0 elsewhere, with every normalization, in
//! `f32` and `f64`; `Reduce::Sum` is the naive overlap-add trimmed to the
//! signal.

use patch_core::{
    ErrorKind, FloatElement, Reduce, WindowFn, frame, frame_count, unframe, unframe_into,
};
mod common;
use common::cases;
use patch_testkit::covered;
use proptest::prelude::*;

fn check<T: FloatElement>(x: &[T], frame_len: usize, hop: usize, pad_end: bool, reduce: &Reduce) {
    let frames = frame(x, frame_len, hop, pad_end, T::ZERO).unwrap();
    let (n, _) = frame_count(x.len(), frame_len, hop, pad_end).unwrap();
    let back = unframe(frames.data(), x.len(), frame_len, hop, pad_end, reduce).unwrap();
    assert_eq!(back.shape(), &[x.len()]);
    let hit = covered(x.len(), n, frame_len, hop);
    let want: Vec<T> = x
        .iter()
        .zip(&hit)
        .map(|(&v, &h)| if h { v } else { T::ZERO })
        .collect();
    // Bit for bit: `==` on floats, and no NaN in the inputs.
    assert_eq!(
        back.data(),
        &want[..],
        "{reduce:?} frame_len {frame_len} hop {hop} pad_end {pad_end}"
    );
    // Every sample comes back when the frames leave no gap and reach the end.
    if hop <= frame_len
        && (pad_end || x.len() < frame_len || (x.len() - frame_len).is_multiple_of(hop))
        && n > 0
    {
        assert_eq!(back.data(), x);
    }
    let mut out = vec![T::ONE; x.len()];
    unframe_into(frames.data(), &mut out, frame_len, hop, pad_end, reduce).unwrap();
    assert_eq!(out, want);
}

fn reductions(frame_len: usize, weights: &[f64]) -> Vec<Reduce> {
    vec![
        Reduce::Mean,
        Reduce::Overwrite,
        Reduce::Weighted(WindowFn::Hann),
        Reduce::Weighted(WindowFn::gaussian()),
        Reduce::Weighted(WindowFn::PerAxis(vec![weights[..frame_len].to_vec()])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(500), ..ProptestConfig::default() })]

    #[test]
    fn unframe_inverts_frame_exactly(
        x in prop::collection::vec(-1e6f64..1e6, 0..300),
        frame_len in 1usize..40,
        hop in 1usize..50,
        pad_end: bool,
        weights in prop::collection::vec(0.01f64..10.0, 40),
    ) {
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        for reduce in reductions(frame_len, &weights) {
            check(&x, frame_len, hop, pad_end, &reduce);
            check(&x32, frame_len, hop, pad_end, &reduce);
        }
    }

    #[test]
    fn unframe_with_sum_is_the_naive_overlap_add_trimmed(
        frames_data in prop::collection::vec(-100i32..100, 0..400),
        len in 0usize..120,
        frame_len in 1usize..20,
        hop in 1usize..25,
        pad_end: bool,
    ) {
        let (n, _) = frame_count(len, frame_len, hop, pad_end).unwrap();
        let frames: Vec<f64> = (0..n * frame_len).map(|i| frames_data.get(i).copied().unwrap_or(1) as f64).collect();
        let mut want = vec![0.0; len];
        for k in 0..n {
            for j in 0..frame_len {
                if k * hop + j < len {
                    want[k * hop + j] += frames[k * frame_len + j];
                }
            }
        }
        let got = unframe(&frames, len, frame_len, hop, pad_end, &Reduce::Sum).unwrap();
        prop_assert_eq!(got.data(), &want[..]);
    }
}

#[test]
fn a_wrong_number_of_frames_is_an_error_that_names_the_numbers() {
    // 10 samples, frames of 4 every 3 with pad_end: 4 frames, not 3.
    let e = unframe(&[0.0f32; 12], 10, 4, 3, true, &Reduce::Mean).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferSize);
    assert_eq!(
        e.to_string(),
        "buffer size: 12 patch elements given but 4 patches of 4 elements need 16"
    );
    let mut out = [7.0f32; 10];
    assert!(unframe_into(&[0.0f32; 12], &mut out, 4, 3, true, &Reduce::Mean).is_err());
    assert_eq!(out, [7.0; 10], "nothing is written on failure");
    assert_eq!(
        unframe(&[0.0f64; 4], 4, 4, 0, false, &Reduce::Mean)
            .unwrap_err()
            .kind(),
        ErrorKind::ZeroStep
    );
}
