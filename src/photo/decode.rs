//! Decoding an upload into RGB pixels within [`Limits`]: the format from its
//! first bytes, the size from its header, and only then the pixels.
//!
//! Baseline JPEGs (what cameras and phones write) go through [`jpeg`], which
//! decodes at 1/2, 1/4 or 1/8 scale straight from the coefficients: a
//! 4032x3024 photo headed for 512x512 is decoded as 1008x756, 16 times fewer
//! pixels and no full-size buffer, and scores 51 dB PSNR against a full
//! decode plus Lanczos3 on the benchmark photo (above 40 dB even for texture
//! denser than a phone's) as long as the decoded square keeps
//! [`faithful_min_side`] pixels. PNGs and the rarer JPEG kinds go through the
//! `image` crate at full size.

use std::io::Cursor;

use std::borrow::Cow;

use super::budget::{Budget, Reservation};
use super::{Limits, PhotoError, jpeg};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, RgbImage};

/// The two formats a photo may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

/// The format of a file, from its first bytes, or what it is instead (for
/// the error message).
pub fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Ok(Format::Png);
    }
    let other = if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "a GIF image"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "a WebP image"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        match &bytes[8..12] {
            b"avif" | b"avis" => "an AVIF image",
            b"heic" | b"heix" | b"hevc" | b"mif1" | b"msf1" => "a HEIC image",
            _ => "a video or HEIF file",
        }
    } else if bytes.starts_with(b"BM") {
        "a BMP image"
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        "a TIFF image"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF document"
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        "a damaged JPEG"
    } else {
        "not an image we recognise"
    };
    Err(PhotoError::NotJpegOrPng(other))
}

/// Decoded pixels as stored in the file, and how to turn them upright.
pub(super) struct Stored {
    pub pixels: RgbImage,
    pub orientation: Orientation,
    /// The decoder memory this image holds in the process's [`Budget`],
    /// given back when the pixels are done with.
    pub _room: Reservation<'static>,
}

/// The smallest decoded square a DCT-scaled decode may leave for a `side`
/// result: a quarter more than the result keeps the Lanczos3 step doing the
/// real filtering (at exactly 1:1 the result would be the IDCT's box average).
pub(super) fn faithful_min_side(side: u32) -> u32 {
    side + side.div_ceil(4)
}

/// Decodes a JPEG or PNG within the limits. `min_short_side`: a JPEG may be
/// decoded scaled down by 2, 4 or 8 as long as its shorter side keeps this
/// many pixels.
pub(super) fn decode(bytes: &[u8], limits: &Limits, min_short_side: Option<u32>) -> Result<Stored, PhotoError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(PhotoError::FileTooLarge(limits.max_file_bytes));
    }
    let format = sniff(bytes)?;
    // The decoders are written not to panic on hostile input; if one ever
    // does, the file is refused like any damaged file rather than failing the
    // request (the bug is logged).
    let result = std::panic::catch_unwind(|| match format {
        Format::Jpeg => decode_jpeg(bytes, limits, min_short_side),
        Format::Png => decode_png(bytes, limits),
    });
    result.unwrap_or_else(|_| {
        tracing::error!(?format, len = bytes.len(), "image decoder panicked");
        Err(PhotoError::Corrupt("the decoder could not read it".into()))
    })
}

fn decode_jpeg(bytes: &[u8], limits: &Limits, min_short_side: Option<u32>) -> Result<Stored, PhotoError> {
    let header = jpeg::Header::read(bytes)?;
    let (width, height) = (header.width, header.height);
    check_dimensions(width, height, limits)?;
    let orientation = header.exif.and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    let channels = header.component_count() as u64;
    if header.is_simple_baseline() {
        let factor = min_short_side.map_or(1, |min| scale_factor_for(width.min(height), min));
        // One plane per component at output size, padded to whole blocks, and the RGB result.
        let pixels = (padded(width) / u64::from(factor)) * (padded(height) / u64::from(factor));
        let cost = pixels * (channels + 3);
        check_memory(width, height, cost, limits)?;
        let room = Budget::global().reserve(cost)?;
        let pixels = jpeg::decode_scaled(bytes, &header, factor)?;
        return Ok(Stored { pixels, orientation, _room: room });
    }
    // Progressive, CMYK, 12-bit, arithmetic-coded: at full size through the
    // `image` crate, which fills a cut-short file with grey instead of
    // refusing it, so a file without its end is refused here.
    if !header.has_end_marker(bytes) {
        return Err(PhotoError::Corrupt("the file ends early".into()));
    }
    // A progressive JPEG keeps every coefficient until its last scan (2 bytes a sample).
    let coefficients = if header.is_progressive() { padded(width) * padded(height) * channels * 2 } else { 0 };
    let decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes));
    let stored = decode_with_image(decoder, "JPEG", limits, coefficients)?;
    Ok(Stored { orientation, ..stored })
}

/// The largest of 1, 2, 4 and 8 that leaves the shorter side at least
/// `min_short_side` pixels.
pub(super) fn scale_factor_for(short_side: u32, min_short_side: u32) -> u32 {
    [8, 4, 2].into_iter().find(|f| short_side / f >= min_short_side).unwrap_or(1)
}

/// A dimension rounded up to whole 4:2:0 MCUs.
fn padded(len: u32) -> u64 {
    u64::from(len.next_multiple_of(16))
}

fn decode_png(bytes: &[u8], limits: &Limits) -> Result<Stored, PhotoError> {
    // The header's size first, so the refusal names it (the decoder's own
    // limit check, behind ours, does not).
    if let Some(ihdr) = bytes.get(16..24) {
        let width = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
        let height = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
        check_dimensions(width, height, limits)?;
    }
    let bytes = without_compressed_text(bytes)?;
    let decoder = image::codecs::png::PngDecoder::with_limits(Cursor::new(&bytes[..]), image_limits(limits));
    decode_with_image(decoder, "PNG", limits, 0)
}

/// The PNG chunks that hold zlib-compressed extras (a colour profile, text):
/// a few hundred kilobytes of them can inflate to hundreds of megabytes
/// before a pixel is read, and the photo pipeline uses none of them.
const COMPRESSED_EXTRAS: [&[u8; 4]; 3] = [b"iCCP", b"zTXt", b"iTXt"];

/// The PNG without its [`COMPRESSED_EXTRAS`] chunks, which are skipped
/// without being inflated, whatever their size. Chunks are copied whole
/// (with their checksums); a chunk running past the end of the file is
/// refused here.
pub(super) fn without_compressed_text(bytes: &[u8]) -> Result<Cow<'_, [u8]>, PhotoError> {
    const SIGNATURE: usize = 8;
    let mut kept: Option<Vec<u8>> = None;
    let mut pos = SIGNATURE;
    while pos < bytes.len() {
        let header = bytes.get(pos..pos + 8).ok_or_else(|| PhotoError::Corrupt("the file ends early".into()))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = pos.checked_add(12 + len).filter(|&end| end <= bytes.len());
        let Some(end) = end else { return Err(PhotoError::Corrupt("the file ends early".into())) };
        if COMPRESSED_EXTRAS.iter().any(|extra| &extra[..] == kind) {
            kept.get_or_insert_with(|| bytes[..pos].to_vec());
        } else if let Some(kept) = kept.as_mut() {
            kept.extend_from_slice(&bytes[pos..end]);
        }
        pos = end;
        if kind == b"IEND" {
            break;
        }
    }
    Ok(kept.map_or(Cow::Borrowed(bytes), Cow::Owned))
}

/// Decodes through the `image` crate, checking the header's size first;
/// `working_bytes` is what the decoder needs beyond its output.
fn decode_with_image<D: ImageDecoder>(
    decoder: image::ImageResult<D>,
    kind: &'static str,
    limits: &Limits,
    working_bytes: u64,
) -> Result<Stored, PhotoError> {
    let mut decoder = decoder.map_err(|e| image_error(e, kind, limits))?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    // The decoded buffer, plus the 8-bit RGB(A) copy made from it.
    let rgb_copy = u64::from(width) * u64::from(height) * 4;
    let cost = decoder.total_bytes().saturating_add(rgb_copy + working_bytes);
    check_memory(width, height, cost, limits)?;
    let room = Budget::global().reserve(cost)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, kind, limits))?;
    Ok(Stored { pixels: flatten_onto_white(image)?, orientation, _room: room })
}

/// Removes alpha the way a person expects: transparent parts become white
/// (not black, nor whatever colour happens to be stored under them).
fn flatten_onto_white(image: DynamicImage) -> Result<RgbImage, PhotoError> {
    if !image.color().has_alpha() {
        return Ok(image.into_rgb8());
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut raw = Vec::with_capacity(width as usize * height as usize * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let alpha = u32::from(px[3]);
        for &c in &px[..3] {
            raw.push(((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8);
        }
    }
    super::rgb_image(width, height, raw)
}

fn check_dimensions(width: u32, height: u32, limits: &Limits) -> Result<(), PhotoError> {
    let too_large = |limit: String| Err(PhotoError::TooLarge(format!("{width}x{height} pixels, {limit}")));
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt(format!("the header says {width}x{height} pixels")));
    }
    if width.max(height) > limits.max_side {
        return too_large(format!("at most {} pixels on a side", limits.max_side));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return too_large(format!("at most {} megapixels", limits.max_pixels / 1_000_000));
    }
    Ok(())
}

fn check_memory(width: u32, height: u32, bytes: u64, limits: &Limits) -> Result<(), PhotoError> {
    if bytes > limits.max_decode_bytes {
        let mb = |b: u64| b.div_ceil(1024 * 1024);
        return Err(PhotoError::TooLarge(format!(
            "{width}x{height} pixels need {} MB to decode, at most {} MB",
            mb(bytes),
            mb(limits.max_decode_bytes)
        )));
    }
    Ok(())
}

/// The `image` crate's own checks, as a second line behind ours.
fn image_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_side);
    l.max_image_height = Some(limits.max_side);
    l.max_alloc = Some(limits.max_decode_bytes);
    l
}

/// The decoder's error in words for the person who chose the file; the
/// decoder's own wording (checksums, chunk names) goes to the log only.
fn image_error(e: ImageError, kind: &'static str, limits: &Limits) -> PhotoError {
    tracing::debug!(error = %e, kind, "image refused by the decoder");
    match e {
        ImageError::Limits(_) => PhotoError::TooLarge(format!(
            "it needs more memory to open than allowed (at most {} pixels on a side, {} MB)",
            limits.max_side,
            limits.max_decode_bytes / (1024 * 1024)
        )),
        ImageError::Unsupported(_) => PhotoError::Unsupported(kind, "save it again as an ordinary JPEG or PNG".into()),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            PhotoError::Corrupt("the file ends early".into())
        }
        _ => PhotoError::Corrupt("parts of the picture data are scrambled".into()),
    }
}
