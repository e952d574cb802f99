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

// Streaming: `StreamFramer` and `StreamOverlapAdd` give, for every way of
// cutting the input into chunks (empty ones included), exactly the offline
// `frame`/`frame_with` and `overlap_add`, bit for bit.

use patch_core::{
    Affine, Element, ExtractOptions, StreamFramer, StreamOverlapAdd, frame_with, overlap_add,
    window,
};

/// The chunks of `len` items cut at `cuts` (fractions in thousandths,
/// sorted; equal cuts make empty chunks), with an empty chunk first.
fn chunks(len: usize, cuts: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut at: Vec<usize> = cuts.iter().map(|&c| c * len / 1000).collect();
    at.sort_unstable();
    let mut out = Vec::with_capacity(at.len() + 2);
    out.push(0..0);
    let mut prev = 0;
    for a in at.into_iter().chain([len]) {
        out.push(prev..a);
        prev = a;
    }
    out
}

/// Streams `signal` through a framer in the chunks `cuts` gives, half the
/// pushes through `push_into` (into a buffer sized by `frames_for`, with
/// room to spare), and returns the concatenated frames.
fn stream_frames<S: Element, D: Element>(
    framer: &mut StreamFramer<S, D>,
    signal: &[S],
    cuts: &[usize],
) -> Vec<D> {
    let fl = framer.frame_len();
    let mut got = Vec::new();
    for (i, r) in chunks(signal.len(), cuts).into_iter().enumerate() {
        let chunk = &signal[r];
        let m = framer.frames_for(chunk.len()).unwrap();
        if i % 2 == 0 {
            let frames = framer.push(chunk).unwrap();
            assert_eq!(frames.shape(), &[m, fl]);
            got.extend_from_slice(frames.data());
        } else {
            let mut out = vec![D::default(); m * fl + 3];
            assert_eq!(framer.push_into(chunk, &mut out).unwrap(), m);
            got.extend_from_slice(&out[..m * fl]);
        }
        assert!(framer.buffered() < fl, "state stays under a frame");
    }
    let n = framer.finish_frames();
    let tail = framer.finish().unwrap();
    assert_eq!(tail.shape(), &[n, fl]);
    got.extend_from_slice(tail.data());
    assert_eq!((framer.samples_pushed(), framer.frames_emitted()), (0, 0));
    got
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    #[test]
    fn streamed_frames_are_the_offline_frames(
        x in prop::collection::vec(-1e6f64..1e6, 0..300),
        frame_len in 1usize..40,
        hop in 1usize..50,
        pad_end: bool,
        fill in -5.0f64..5.0,
        cuts in prop::collection::vec(0usize..=1000, 0..12),
    ) {
        let want = frame(&x, frame_len, hop, pad_end, fill).unwrap();
        let mut framer = StreamFramer::new(frame_len, hop, pad_end, fill).unwrap();
        let got = stream_frames(&mut framer, &x, &cuts);
        prop_assert_eq!(&got[..], want.data());
        // The framer starts a new stream after finish: the same again.
        let again = stream_frames(&mut framer, &x, &cuts);
        prop_assert_eq!(&again[..], want.data());
    }

    #[test]
    fn streamed_converted_windowed_frames_are_the_offline_ones(
        x in prop::collection::vec(any::<i16>(), 0..300),
        frame_len in 1usize..40,
        hop in 1usize..50,
        pad_end: bool,
        periodic: bool,
        cuts in prop::collection::vec(0usize..=1000, 0..12),
    ) {
        let hann = window::hann(frame_len, periodic).unwrap();
        let opts = ExtractOptions::<f32>::new()
            .fill(-0.5)
            .affine(Affine::window(0, &hann).unwrap());
        let want = frame_with(&x, frame_len, hop, pad_end, &opts).unwrap();
        let mut framer = StreamFramer::with_options(frame_len, hop, pad_end, opts.clone()).unwrap();
        prop_assert_eq!(bits32(&stream_frames(&mut framer, &x, &cuts)), bits32(want.data()));
        // u8 samples, a scalar affine into f64.
        let bytes: Vec<u8> = x.iter().map(|&v| v as u8).collect();
        let opts = ExtractOptions::<f64>::new().fill(7.0).affine(Affine::scalar(1.0 / 255.0, -0.5));
        let want = frame_with(&bytes, frame_len, hop, pad_end, &opts).unwrap();
        let mut framer = StreamFramer::with_options(frame_len, hop, pad_end, opts).unwrap();
        prop_assert_eq!(&stream_frames(&mut framer, &bytes, &cuts)[..], want.data());
        // u8 into f32 without an affine.
        let opts = ExtractOptions::<f32>::new();
        let want = frame_with(&bytes, frame_len, hop, pad_end, &opts).unwrap();
        let mut framer = StreamFramer::with_options(frame_len, hop, pad_end, opts).unwrap();
        prop_assert_eq!(&stream_frames(&mut framer, &bytes, &cuts)[..], want.data());
    }

    #[test]
    fn streamed_overlap_add_is_the_offline_one_bit_for_bit(
        values in prop::collection::vec(
            prop_oneof![-1e3f32..1e3, Just(-0.0f32), Just(0.0f32), Just(1e-40f32)],
            0..400,
        ),
        frame_len in 1usize..30,
        hop in 1usize..40,
        cuts in prop::collection::vec(0usize..=1000, 0..10),
    ) {
        let n = values.len() / frame_len;
        let frames = &values[..n * frame_len];
        let want = overlap_add(frames, frame_len, hop).unwrap();
        let mut ola = StreamOverlapAdd::new(frame_len, hop).unwrap();
        let mut got = Vec::new();
        for (i, r) in chunks(n, &cuts).into_iter().enumerate() {
            let batch = &frames[r.start * frame_len..r.end * frame_len];
            let k = ola.samples_for(r.len()).unwrap();
            if i % 2 == 0 {
                let out = ola.push(batch).unwrap();
                prop_assert_eq!(out.shape(), &[k]);
                got.extend_from_slice(out.data());
            } else {
                let mut out = vec![9.0f32; k + 2];
                prop_assert_eq!(ola.push_into(batch, &mut out).unwrap(), k);
                got.extend_from_slice(&out[..k]);
            }
        }
        let k = ola.finish_samples();
        let tail = ola.finish().unwrap();
        prop_assert_eq!(tail.shape(), &[k]);
        got.extend_from_slice(tail.data());
        prop_assert_eq!(bits32(&got), bits32(want.data()));
        // In f64 too, and again after the finish.
        let frames64: Vec<f64> = frames.iter().map(|&v| v as f64).collect();
        let want = overlap_add(&frames64, frame_len, hop).unwrap();
        let mut ola = StreamOverlapAdd::<f64>::new(frame_len, hop).unwrap();
        for _ in 0..2 {
            let mut got = Vec::new();
            for r in chunks(n, &cuts) {
                got.extend_from_slice(ola.push(&frames64[r.start * frame_len..r.end * frame_len]).unwrap().data());
            }
            got.extend_from_slice(ola.finish().unwrap().data());
            let bits: Vec<u64> = got.iter().map(|v| v.to_bits()).collect();
            let want_bits: Vec<u64> = want.data().iter().map(|v| v.to_bits()).collect();
            prop_assert_eq!(bits, want_bits);
        }
    }
}

#[test]
fn stream_errors_name_the_numbers_and_change_nothing() {
    let e = StreamFramer::new(0, 1, true, 0.0f32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ZeroSize);
    let e = StreamFramer::new(4, 0, true, 0.0f32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ZeroStep);
    assert_eq!(e.to_string(), "zero step: hop is 0; it must be at least 1");
    // An affine of the wrong length, a conversion no kernel makes, an order
    // that does not stream.
    let opts = ExtractOptions::<f32>::new().affine(Affine::window(0, &[1.0; 3]).unwrap());
    let e = StreamFramer::<i16, f32>::with_options(4, 2, true, opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        e.message(),
        "the affine has 3 values but axis 0 of the patch (shape [4]) has length 4"
    );
    let e = StreamFramer::<u8, i16>::with_options(4, 2, true, ExtractOptions::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
    let opts = ExtractOptions::<f32>::new().order(patch_core::PatchOrder::FeatureMajor);
    let e = StreamFramer::<f32, f32>::with_options(4, 2, true, opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);

    // A short output: an error naming the sizes, nothing written, the
    // framer unchanged.
    let mut framer = StreamFramer::new(4, 2, true, -1i16).unwrap();
    assert_eq!(framer.push(&[1, 2, 3]).unwrap().shape(), &[0, 4]);
    assert_eq!(framer.frames_for(5).unwrap(), 3);
    let mut out = [7i16; 11];
    let e = framer.push_into(&[4, 5, 6, 7, 8], &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferSize);
    assert_eq!(
        e.to_string(),
        "buffer size: the output holds 11 samples but a push of 5 samples emits 3 frames of 4, 12 samples"
    );
    assert_eq!(out, [7; 11]);
    assert_eq!((framer.samples_pushed(), framer.buffered()), (3, 3));
    let mut out = [7i16; 12];
    assert_eq!(framer.push_into(&[4, 5, 6, 7, 8], &mut out).unwrap(), 3);
    assert_eq!(out, [1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 7, 8]);
    assert_eq!(framer.finish_frames(), 1);
    let mut tail = [0i16; 3];
    let e = framer.finish_into(&mut tail).unwrap_err();
    assert_eq!(
        e.message(),
        "the output holds 3 samples but the end of the stream emits 1 frames of 4, 4 samples"
    );
    assert_eq!(framer.finish().unwrap().data(), &[7, 8, -1, -1]);

    // Overlap-add: frames that are not whole, a short output.
    assert_eq!(
        StreamOverlapAdd::<f32>::new(0, 1).unwrap_err().kind(),
        ErrorKind::ZeroSize
    );
    let mut ola = StreamOverlapAdd::<f32>::new(4, 2).unwrap();
    let e = ola.push(&[1.0; 6]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "buffer size: 6 samples are not a whole number of frames of 4"
    );
    // One frame is held; the second releases two hops.
    assert_eq!(ola.push(&[1.0; 4]).unwrap().shape(), &[0]);
    assert_eq!(ola.samples_for(1).unwrap(), 4);
    let mut out = [5.0f32; 3];
    let e = ola.push_into(&[1.0; 4], &mut out).unwrap_err();
    assert_eq!(
        e.message(),
        "the output holds 3 samples but a push of 1 frames of 4 every 2 releases 4"
    );
    assert_eq!((out, ola.frames_pushed()), ([5.0; 3], 1));
    assert_eq!(ola.push(&[1.0; 4]).unwrap().data(), &[1.0, 1.0, 2.0, 2.0]);
    assert_eq!(ola.finish_samples(), 2);
    assert!(ola.finish_into(&mut out[..1]).is_err());
    assert_eq!(ola.finish().unwrap().data(), &[1.0, 1.0]);
}
