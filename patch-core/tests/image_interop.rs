//! The image interop against the image crate's own `get_pixel`: every
//! sample of HWC and CHW arrays (alpha kept and dropped) of Luma8, Rgb8,
//! Rgba8 and Rgb32F images of random sizes and pixels, as `ImageBuffer`s and
//! as `DynamicImage`s, read through the layout and through extracted patches.
#![cfg(feature = "image")]

use image::{DynamicImage, ImageBuffer, Luma, Pixel, Rgb, Rgba};
use patch_core::interop::image::{Alpha, ImageArray, ImageSamples, chw, hwc};
use patch_core::{Element, ErrorKind, PatchOrder, PatchSpec};
mod common;
use common::cases;
use proptest::prelude::*;

/// The sample `(y, x, c)` of `a`, read through its layout only.
fn at<T: Element>(a: &ImageArray<'_, T>, index: &[usize]) -> T {
    a.data[a.layout.index_of(index).unwrap()]
}

/// Checks every access path of `img` against `get_pixel`.
fn check<P>(img: &ImageBuffer<P, Vec<P::Subpixel>>, dynamic: &DynamicImage)
where
    P: Pixel,
    P::Subpixel: Element,
    ImageBuffer<P, Vec<P::Subpixel>>: ImageSamples<P::Subpixel>,
    DynamicImage: ImageSamples<P::Subpixel>,
{
    let (w, h) = img.dimensions();
    let (w, h) = (w as usize, h as usize);
    let channels = usize::from(P::CHANNEL_COUNT);
    for alpha in [Alpha::Keep, Alpha::Drop] {
        let c = if alpha == Alpha::Drop && P::HAS_ALPHA {
            channels - 1
        } else {
            channels
        };
        for (a, b) in [
            (hwc(img, alpha).unwrap(), chw(img, alpha).unwrap()),
            (hwc(dynamic, alpha).unwrap(), chw(dynamic, alpha).unwrap()),
        ] {
            assert_eq!(a.layout.shape(), &[h, w, c]);
            assert_eq!(b.layout.shape(), &[c, h, w]);
            for y in 0..h {
                for x in 0..w {
                    let px = img.get_pixel(x as u32, y as u32);
                    for ch in 0..c {
                        let want = px.channels()[ch];
                        assert_eq!(at(&a, &[y, x, ch]), want);
                        assert_eq!(at(&b, &[ch, y, x]), want);
                    }
                }
            }
            // CHW patches of 1 x 2 pixels in (C, ph, pw) order, copied.
            if w >= 2 {
                let view = b.view(&PatchSpec::tiles(&[1, 2]).channels_first()).unwrap();
                let tokens = view.extract(PatchOrder::PatchMajor).unwrap();
                assert_eq!(tokens.shape(), &[h * (w / 2), c * 2]);
                for (k, token) in tokens.data().chunks(c * 2).enumerate() {
                    let (y, x0) = (k / (w / 2), 2 * (k % (w / 2)));
                    for ch in 0..c {
                        for dx in 0..2 {
                            let px = img.get_pixel((x0 + dx) as u32, y as u32);
                            assert_eq!(token[ch * 2 + dx], px.channels()[ch]);
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    #[test]
    fn every_sample_is_the_one_get_pixel_reads(w in 1u32..12, h in 1u32..12, seed: u64) {
        let byte = |x: u32, y: u32, c: u32| (seed.wrapping_mul(31).wrapping_add((x * 131 + y * 17 + c * 7) as u64) % 251) as u8;
        let luma = ImageBuffer::from_fn(w, h, |x, y| Luma([byte(x, y, 0)]));
        check(&luma, &DynamicImage::ImageLuma8(luma.clone()));
        let rgb = ImageBuffer::from_fn(w, h, |x, y| Rgb([byte(x, y, 0), byte(x, y, 1), byte(x, y, 2)]));
        check(&rgb, &DynamicImage::ImageRgb8(rgb.clone()));
        let rgba = ImageBuffer::from_fn(w, h, |x, y| Rgba([byte(x, y, 0), byte(x, y, 1), byte(x, y, 2), byte(x, y, 3)]));
        check(&rgba, &DynamicImage::ImageRgba8(rgba.clone()));
        let rgbf: ImageBuffer<Rgb<f32>, Vec<f32>> =
            ImageBuffer::from_fn(w, h, |x, y| Rgb([byte(x, y, 0) as f32 / 7.0, -(y as f32), x as f32 + 0.5]));
        check(&rgbf, &DynamicImage::ImageRgb32F(rgbf.clone()));
    }
}

#[test]
fn a_dynamic_image_is_read_as_its_own_sample_type_only() {
    let img = DynamicImage::ImageRgb32F(ImageBuffer::new(2, 2));
    let e = hwc::<u8, _>(&img, Alpha::Keep).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
    assert_eq!(
        e.to_string(),
        "unsupported dtype: the image is Rgb32F, whose samples are not u8 (Luma8, LumaA8, Rgb8, Rgba8)"
    );
    assert!(hwc::<f32, _>(&img, Alpha::Keep).is_ok());
    // A borrowed container works as well as a Vec.
    let samples = [1u8, 2, 3, 4, 5, 6];
    let borrowed: ImageBuffer<Rgb<u8>, &[u8]> = ImageBuffer::from_raw(2, 1, &samples[..]).unwrap();
    let a = chw(&borrowed, Alpha::Keep).unwrap();
    assert_eq!(
        a.view(&PatchSpec::tiles(&[1, 1, 2]))
            .unwrap()
            .patch(1)
            .unwrap()
            .to_vec(),
        [2, 5]
    );
}
