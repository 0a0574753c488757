//! Profile photos, shared by the server and the terminal app: what a written
//! photo becomes (the seed's 512x512 and 128x128 JPEGs) and safe decoding for display.
//!
//! The pipeline: refuse anything that is not a JPEG or PNG within [`Limits`];
//! decode a large JPEG already scaled down by its DCT (a 12 MP photo never
//! exists at full size); crop the largest centred square; resample with
//! Lanczos3 (`fast_image_resize`); flatten alpha onto white; apply the EXIF
//! orientation; encode baseline 4:2:0 JPEGs (`jpeg-encoder`). Everything here is
//! blocking CPU work: call it from `spawn_blocking` or a worker thread.

pub mod budget;
mod decode;
mod jpeg;
pub mod portrait;
pub mod store;

use fast_image_resize as fir;
use image::RgbImage;
use image::metadata::Orientation;

pub use decode::{Format, sniff};
pub use store::{MediaError, MediaLocation, PendingPhoto, PhotoStore, StoredPhoto, parse_public_url};

/// Side of the stored photo (the seed's "detail" image).
pub const FULL_SIDE: u32 = 512;
/// Side of the small version.
pub const SMALL_SIDE: u32 = 128;
/// JPEG quality of both stored versions.
pub const JPEG_QUALITY: u8 = 85;

/// A photo ready to store: both JPEGs, encoded.
#[derive(Debug, Clone)]
pub struct PreparedPhoto {
    /// 512x512 baseline JPEG.
    pub full_jpeg: Vec<u8>,
    /// 128x128 baseline JPEG, resampled from the 512 one.
    pub small_jpeg: Vec<u8>,
}

/// What an upload may cost before a byte of pixels is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted.
    pub max_file_bytes: usize,
    /// Largest width or height, in pixels.
    pub max_side: u32,
    /// Largest width x height.
    pub max_pixels: u64,
    /// Most memory the decoder may need (pixels and coefficient buffers),
    /// estimated from the header before decoding.
    pub max_decode_bytes: u64,
}

impl Default for Limits {
    /// Room for any phone photo (a 200 MP sensor is 16320x12240), not for a
    /// decompression bomb.
    fn default() -> Limits {
        Limits {
            max_file_bytes: 20 * 1024 * 1024,
            max_side: 20_000,
            max_pixels: 210_000_000,
            max_decode_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Why a file cannot become a photo. The messages are meant for the person
/// who chose the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("The submitted file is empty.")]
    Empty,
    #[error("Must be a JPEG or PNG image; this file is {0}.")]
    NotJpegOrPng(&'static str),
    #[error("The image is larger than the limit of {limit} MB.", limit = .0 / (1024 * 1024))]
    FileTooLarge(usize),
    #[error("The image is too large: {0}.")]
    TooLarge(String),
    #[error("The image file is damaged or incomplete ({0}); try saving it again or choose another photo.")]
    Corrupt(String),
    #[error("This {0} image uses a feature that cannot be read ({1}).")]
    Unsupported(&'static str, String),
    #[error("Could not encode the photo: {0}")]
    Encode(String),
    /// Every decode slot or the image memory budget is taken (see [`budget`]).
    #[error("Too many photos are being processed right now; try again in a moment.")]
    Busy,
}

/// An image from its rows of RGB bytes (three a pixel, `width * height * 3`
/// in all); `None` from `image` only when they are fewer, or when that count
/// does not fit in memory: an image too large.
fn rgb_image(width: u32, height: u32, raw: Vec<u8>) -> Result<RgbImage, PhotoError> {
    RgbImage::from_raw(width, height, raw).ok_or_else(|| PhotoError::TooLarge(format!("{width}x{height} pixels")))
}

/// Turns an uploaded file into the two stored JPEGs, within the default limits.
pub fn prepare(bytes: &[u8]) -> Result<PreparedPhoto, PhotoError> {
    prepare_with(bytes, &Limits::default())
}

/// [`prepare`] within given limits.
pub fn prepare_with(bytes: &[u8], limits: &Limits) -> Result<PreparedPhoto, PhotoError> {
    let full = square_with(bytes, FULL_SIDE, limits)?;
    let small = resample_square(&full, SMALL_SIDE)?;
    Ok(PreparedPhoto { full_jpeg: encode_jpeg(&full)?, small_jpeg: encode_jpeg(&small)? })
}

/// The photo exactly as it will be stored, before JPEG encoding, at `side`
/// pixels: upright, the largest centred square, Lanczos3, no alpha. The
/// terminal app shows this as the preview of an upload.
pub fn square(bytes: &[u8], side: u32) -> Result<RgbImage, PhotoError> {
    square_with(bytes, side, &Limits::default())
}

/// [`square`] within given limits.
pub fn square_with(bytes: &[u8], side: u32, limits: &Limits) -> Result<RgbImage, PhotoError> {
    let side = side.max(1);
    let stored = decode::decode(bytes, limits, Some(decode::faithful_min_side(side)))?;
    // The centred square of a rotated or mirrored image is the rotated or
    // mirrored centred square, so orientation is applied to the small result,
    // not to the decoded photo.
    let cropped = crop_resample(&stored.pixels, side)?;
    Ok(orient(cropped, stored.orientation))
}

/// Decodes a JPEG or PNG for display: upright, alpha flattened onto white.
/// With `min_short_side`, a large JPEG may be decoded scaled down as long as
/// its shorter side keeps at least that many pixels (for a terminal preview);
/// `None` decodes at full size.
pub fn decode_rgb(bytes: &[u8], limits: &Limits, min_short_side: Option<u32>) -> Result<RgbImage, PhotoError> {
    let stored = decode::decode(bytes, limits, min_short_side.map(|s| s.max(1)))?;
    Ok(orient(stored.pixels, stored.orientation))
}

/// Crops the largest centred square and resamples it to `side` x `side` with Lanczos3.
fn crop_resample(src: &RgbImage, side: u32) -> Result<RgbImage, PhotoError> {
    let (w, h) = src.dimensions();
    let square = f64::from(w.min(h));
    let left = (f64::from(w) - square) / 2.0;
    let top = (f64::from(h) - square) / 2.0;
    resize(src, side, (left, top, square, square))
}

/// Resamples a square image to `side` x `side` with Lanczos3.
fn resample_square(src: &RgbImage, side: u32) -> Result<RgbImage, PhotoError> {
    let (w, h) = src.dimensions();
    resize(src, side, (0.0, 0.0, f64::from(w), f64::from(h)))
}

fn resize(src: &RgbImage, side: u32, (left, top, width, height): (f64, f64, f64, f64)) -> Result<RgbImage, PhotoError> {
    let resize_error = |e: &dyn std::fmt::Display| PhotoError::Encode(format!("resampling failed: {e}"));
    let (w, h) = src.dimensions();
    let view = fir::images::ImageRef::new(w, h, src.as_raw(), fir::PixelType::U8x3).map_err(|e| resize_error(&e))?;
    let mut dst = fir::images::Image::new(side, side, fir::PixelType::U8x3);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3))
        .crop(left, top, width, height);
    fir::Resizer::new().resize(&view, &mut dst, &options).map_err(|e| resize_error(&e))?;
    RgbImage::from_raw(side, side, dst.into_vec()).ok_or_else(|| resize_error(&"buffer size mismatch"))
}

/// Applies an EXIF orientation, so the result is upright.
fn orient(pixels: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return pixels;
    }
    let mut dynamic = image::DynamicImage::ImageRgb8(pixels);
    dynamic.apply_orientation(orientation);
    dynamic.into_rgb8()
}

/// A baseline JPEG with 4:2:0 chroma subsampling (what photos are stored as:
/// a third smaller than 4:4:4 at the same quality, as Pillow writes them).
pub fn encode_jpeg(img: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let (w, h) = img.dimensions();
    let (w16, h16) = match (u16::try_from(w), u16::try_from(h)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err(PhotoError::Encode(format!("{w}x{h} is too large for JPEG"))),
    };
    let mut out = Vec::with_capacity((w * h / 4) as usize);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    // Not `set_optimized_huffman_tables`: zune-jpeg (the `image` crate's
    // decoder, which the terminal app and many viewers share) misreads
    // jpeg-encoder's optimized tables as green noise.
    encoder
        .encode(img.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests;
