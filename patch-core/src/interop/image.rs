//! [`image`] interop (feature `image`): decoded images as arrays
//! the patch engine reads in place, in HWC order (height, width, channels:
//! how the image crate stores them) or as CHW (channels first, the layout
//! of PyTorch vision models), with the alpha channel dropped by strides.
//!
//! Nothing is copied and no codec is involved: the feature enables the
//! image crate without its default features, so it adds no decoder to the
//! build (decode with the codec features of your own `image` dependency).
//!
//! ```
//! use image::{Rgba, RgbaImage};
//! use patch_core::{PatchOrder, PatchSpec, PatchView, interop::image::{Alpha, chw}};
//!
//! // A 32x48 RGBA image, as CHW RGB (alpha dropped), 16x16 ViT patches
//! // whose features are in (C, ph, pw) order.
//! let img = RgbaImage::from_fn(48, 32, |x, y| Rgba([x as u8, y as u8, 7, 255]));
//! let rgb = chw(&img, Alpha::Drop).unwrap();
//! assert_eq!(rgb.layout.shape(), &[3, 32, 48]);
//! assert_eq!(rgb.layout.strides(), &[1, 48 * 4, 4]);
//! let view = PatchView::new(rgb.data, &rgb.layout, &PatchSpec::tiles(&[16, 16]).channels_first()).unwrap();
//! let tokens = view.extract(PatchOrder::PatchMajor).unwrap();
//! assert_eq!(tokens.shape(), &[6, 3 * 16 * 16]);
//! // Token 4 is grid cell (1, 1); feature (c=1, y=2, x=5) is green at pixel (21, 18).
//! assert_eq!(tokens[[4, 256 + 2 * 16 + 5]], img.get_pixel(21, 18)[1]);
//! ```

use ::image::{DynamicImage, FlatSamples, ImageBuffer, Pixel};

use crate::element::Element;
use crate::error::{Result, bail};
use crate::layout::Layout;
use crate::spec::PatchSpec;
use crate::view::PatchView;

/// Whether the alpha channel of an image that has one is part of the array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alpha {
    /// Every channel, alpha included.
    Keep,
    /// The color channels only: the array has one channel less, by its
    /// shape (the strides are unchanged, nothing is copied). A no-op for an
    /// image without alpha.
    Drop,
}

/// An image's samples and the layout the engine reads them through: pass
/// both to [`PatchView::new`], [`Plan::new`](crate::Plan::new) and the
/// copies.
#[derive(Clone, Debug)]
pub struct ImageArray<'a, T> {
    /// Every sample of the image, as the image crate stores them.
    pub data: &'a [T],
    /// The array over `data`: `[height, width, channels]` or
    /// `[channels, height, width]`, checked against `data`.
    pub layout: Layout,
}

impl<'a, T: Element> ImageArray<'a, T> {
    /// The patches of `spec` (one role per axis of the layout, for example
    /// `PatchSpec::tiles(&[p, p]).channels_last()` for HWC), in place.
    pub fn view(&self, spec: &PatchSpec) -> Result<PatchView<'a, T>> {
        PatchView::new(self.data, &self.layout, spec)
    }
}

mod sealed {
    pub trait Sealed<T> {}
}

/// The images this module reads, as samples of type `T`: an
/// [`ImageBuffer`] of any pixel type over any container (`RgbImage`,
/// `RgbaImage`, `GrayImage`, `Rgb32FImage`, ...), and a [`DynamicImage`]
/// as `u8` (Luma8, LumaA8, Rgb8, Rgba8), `u16` (the 16-bit variants) or
/// `f32` (Rgb32F, Rgba32F) samples.
pub trait ImageSamples<T: Element>: sealed::Sealed<T> {
    /// The samples with the image crate's own layout of them, and whether
    /// the last channel is alpha.
    fn flat_samples(&self) -> Result<(FlatSamples<&[T]>, bool)>;
}

impl<P, C> sealed::Sealed<P::Subpixel> for ImageBuffer<P, C>
where
    P: Pixel,
    P::Subpixel: Element,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
}

impl<P, C> ImageSamples<P::Subpixel> for ImageBuffer<P, C>
where
    P: Pixel,
    P::Subpixel: Element,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
    fn flat_samples(&self) -> Result<(FlatSamples<&[P::Subpixel]>, bool)> {
        Ok((self.as_flat_samples(), P::HAS_ALPHA))
    }
}

macro_rules! dynamic_samples {
    ($($t:ty => $method:ident, $what:literal;)*) => {$(
        impl sealed::Sealed<$t> for DynamicImage {}
        impl ImageSamples<$t> for DynamicImage {
            fn flat_samples(&self) -> Result<(FlatSamples<&[$t]>, bool)> {
                match self.$method() {
                    Some(flat) => Ok((flat, self.color().has_alpha())),
                    None => bail!(
                        UnsupportedDtype,
                        "the image is {:?}, whose samples are not {}",
                        self.color(),
                        $what
                    ),
                }
            }
        }
    )*};
}
dynamic_samples! {
    u8 => as_flat_samples_u8, "u8 (Luma8, LumaA8, Rgb8, Rgba8)";
    u16 => as_flat_samples_u16, "u16 (Luma16, LumaA16, Rgb16, Rgba16)";
    f32 => as_flat_samples_f32, "f32 (Rgb32F, Rgba32F)";
}

/// The parts of an image's layout, in (height, width, channel) order.
fn parts<T: Element, I: ImageSamples<T> + ?Sized>(
    img: &I,
    alpha: Alpha,
) -> Result<(&[T], [usize; 3], [isize; 3])> {
    let (flat, has_alpha) = img.flat_samples()?;
    let l = flat.layout;
    let mut channels = usize::from(l.channels);
    if alpha == Alpha::Drop && has_alpha {
        channels -= 1;
    }
    let stride = |s: usize, what: &str| {
        isize::try_from(s).map_err(|_| {
            crate::error::err!(
                Overflow,
                "the {what} stride {s} of the image overflows isize"
            )
        })
    };
    Ok((
        flat.samples,
        [l.height as usize, l.width as usize, channels],
        [
            stride(l.height_stride, "row")?,
            stride(l.width_stride, "pixel")?,
            stride(l.channel_stride, "channel")?,
        ],
    ))
}

fn checked<'a, T: Element>(
    data: &'a [T],
    shape: &[usize],
    strides: &[isize],
) -> Result<ImageArray<'a, T>> {
    let layout = Layout::new(shape, strides, 0, size_of::<T>())?;
    layout.check_buffer(data.len())?;
    Ok(ImageArray { data, layout })
}

/// The image as an HWC array `[height, width, channels]`, in place (the
/// image crate's own order).
///
/// ```
/// use image::{GrayImage, Luma};
/// use patch_core::{PatchSpec, interop::image::{Alpha, hwc}};
///
/// let img = GrayImage::from_fn(6, 4, |x, y| Luma([(10 * y + x) as u8]));
/// let a = hwc(&img, Alpha::Keep).unwrap();
/// assert_eq!(a.layout.shape(), &[4, 6, 1]);
/// let view = a.view(&PatchSpec::tiles(&[2, 3]).channels_last()).unwrap();
/// assert_eq!(view.patch(1).unwrap().to_vec(), [3, 4, 5, 13, 14, 15]);
/// ```
pub fn hwc<T: Element, I: ImageSamples<T> + ?Sized>(
    img: &I,
    alpha: Alpha,
) -> Result<ImageArray<'_, T>> {
    let (data, [h, w, c], [sh, sw, sc]) = parts(img, alpha)?;
    checked(data, &[h, w, c], &[sh, sw, sc])
}

/// The image as a CHW array `[channels, height, width]`, in place: the
/// same samples read channel-first by strides, as vision models in
/// PyTorch want their input.
///
/// ```
/// use image::{DynamicImage, Rgb, RgbImage};
/// use patch_core::{ErrorKind, interop::image::{Alpha, chw}};
///
/// let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(5, 3, Rgb([1, 2, 3])));
/// let a = chw::<u8, _>(&img, Alpha::Drop).unwrap();
/// assert_eq!((a.layout.shape(), a.layout.strides()), (&[3, 3, 5][..], &[1, 15, 3][..]));
/// // The samples of a DynamicImage are read as their own type only.
/// let e = chw::<f32, _>(&img, Alpha::Keep).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnsupportedDtype);
/// ```
pub fn chw<T: Element, I: ImageSamples<T> + ?Sized>(
    img: &I,
    alpha: Alpha,
) -> Result<ImageArray<'_, T>> {
    let (data, [h, w, c], [sh, sw, sc]) = parts(img, alpha)?;
    checked(data, &[c, h, w], &[sc, sh, sw])
}
