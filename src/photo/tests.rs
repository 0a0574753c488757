//! The pipeline on files made here: crops, sizes, alpha, orientation, the
//! scaled JPEG decode's fidelity, and refusals.

use fast_image_resize as fir;
use image::{Rgb, RgbImage, Rgba, RgbaImage};

use super::*;

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const GREEN: Rgb<u8> = Rgb([30, 200, 60]);
const BLUE: Rgb<u8> = Rgb([20, 40, 230]);

pub(crate) fn jpeg(img: &RgbImage, app1: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    if let Some(data) = app1 {
        encoder.add_app_segment(1, data).unwrap();
    }
    encoder.encode(img.as_raw(), img.width() as u16, img.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

pub(crate) fn png_rgba(img: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// An EXIF block (APP1 payload) holding only an orientation.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut data = b"Exif\0\0II*\0".to_vec();
    data.extend_from_slice(&8u32.to_le_bytes()); // first IFD right after the header
    data.extend_from_slice(&1u16.to_le_bytes()); // one entry
    data.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    data.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    data.extend_from_slice(&1u32.to_le_bytes());
    data.extend_from_slice(&value.to_le_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // padding, no next IFD
    data
}

/// A square of `centre_left` | `centre_right` halves between two bands of `band`.
fn banded(width: u32, height: u32, centre_left: Rgb<u8>, centre_right: Rgb<u8>, band: Rgb<u8>) -> RgbImage {
    let side = width.min(height);
    let (x0, y0) = ((width - side) / 2, (height - side) / 2);
    RgbImage::from_fn(width, height, |x, y| {
        let inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
        match (inside, x < x0 + side / 2) {
            (false, _) => band,
            (true, true) => centre_left,
            (true, false) => centre_right,
        }
    })
}

fn close(actual: Rgb<u8>, expected: Rgb<u8>, tolerance: i32) -> bool {
    actual.0.iter().zip(expected.0).all(|(a, e)| (i32::from(*a) - i32::from(e)).abs() <= tolerance)
}

fn assert_colour(img: &RgbImage, (x, y): (u32, u32), expected: Rgb<u8>, what: &str) {
    let actual = *img.get_pixel(x, y);
    assert!(close(actual, expected, 24), "{what}: pixel ({x}, {y}) is {actual:?}, expected about {expected:?}");
}

fn decode_jpeg_output(bytes: &[u8], side: u32) -> RgbImage {
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "not a JPEG");
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).unwrap().into_rgb8();
    assert_eq!(img.dimensions(), (side, side));
    img
}

/// Checks the crop of a banded image: left half of the result `left`, right
/// half `right`, no band colour anywhere (a few pixels from the edge, where
/// the kernel reaches the cut), and the half boundary in the middle.
fn assert_centred_crop(img: &RgbImage, left: Rgb<u8>, right: Rgb<u8>) {
    let side = img.width();
    let mid = side / 2;
    let inset = side / 32;
    for y in [inset, mid, side - 1 - inset] {
        assert_colour(img, (inset, y), left, "left edge");
        assert_colour(img, (mid - inset, y), left, "left of centre");
        assert_colour(img, (mid + inset, y), right, "right of centre");
        assert_colour(img, (side - 1 - inset, y), right, "right edge");
    }
}

#[test]
fn a_landscape_photo_is_cropped_to_its_centred_square_and_the_side_bands_are_cut() {
    let photo = prepare(&jpeg(&banded(900, 300, RED, GREEN, BLUE), None)).unwrap();
    assert_centred_crop(&decode_jpeg_output(&photo.full_jpeg, FULL_SIDE), RED, GREEN);
    assert_centred_crop(&decode_jpeg_output(&photo.small_jpeg, SMALL_SIDE), RED, GREEN);
}

#[test]
fn a_portrait_photo_is_cropped_to_its_centred_square_and_the_top_and_bottom_bands_are_cut() {
    let source = banded(300, 900, GREEN, RED, BLUE);
    let photo = prepare(&png_rgba(&image::DynamicImage::ImageRgb8(source).into_rgba8())).unwrap();
    let full = decode_jpeg_output(&photo.full_jpeg, FULL_SIDE);
    assert_centred_crop(&full, GREEN, RED);
    for x in [16, 128, 384, 495] {
        assert_colour(&full, (x, 4), if x < 256 { GREEN } else { RED }, "top row");
        assert_colour(&full, (x, 507), if x < 256 { GREEN } else { RED }, "bottom row");
    }
}

#[test]
fn outputs_are_baseline_4_2_0_jpegs_of_exactly_512_and_128() {
    let photo = prepare(&jpeg(&banded(640, 480, RED, GREEN, BLUE), None)).unwrap();
    for (bytes, side) in [(&photo.full_jpeg, 512), (&photo.small_jpeg, 128)] {
        let frame = start_of_frame(bytes);
        assert_eq!(frame.0, 0xC0, "baseline DCT (SOF0), not progressive");
        assert_eq!((frame.1, frame.2), (side, side));
        assert_eq!(frame.3, 0x22, "luma sampled 2x2 against chroma: 4:2:0");
        decode_jpeg_output(bytes, u32::from(side));
    }
}

/// (SOF marker, width, height, first component's sampling factors).
fn start_of_frame(bytes: &[u8]) -> (u8, u16, u16, u8) {
    let mut i = 2;
    while i + 4 < bytes.len() {
        assert_eq!(bytes[i], 0xFF);
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if matches!(marker, 0xC0..=0xC3) {
            let s = &bytes[i + 4..];
            return (marker, u16::from_be_bytes([s[3], s[4]]), u16::from_be_bytes([s[1], s[2]]), s[7]);
        }
        i += 2 + len;
    }
    panic!("no start of frame");
}

#[test]
fn transparent_parts_of_a_png_become_white_not_the_colour_stored_under_them() {
    // Left: fully transparent black; right: half-transparent red.
    let source = RgbaImage::from_fn(400, 400, |x, _| if x < 200 { Rgba([0, 0, 0, 0]) } else { Rgba([255, 0, 0, 128]) });
    let full = decode_jpeg_output(&prepare(&png_rgba(&source)).unwrap().full_jpeg, FULL_SIDE);
    assert_colour(&full, (64, 256), Rgb([255, 255, 255]), "transparent");
    assert_colour(&full, (448, 256), Rgb([255, 127, 127]), "half-transparent red over white");
}

#[test]
fn an_exif_rotated_phone_photo_comes_out_upright() {
    // Stored sideways: the top half red, the bottom half blue.
    let stored = RgbImage::from_fn(600, 600, |_, y| if y < 300 { RED } else { BLUE });
    // (orientation, colour expected on the left, on the right, at the top, at the bottom)
    let cases = [
        (1, None, None, Some(RED), Some(BLUE)),
        (3, None, None, Some(BLUE), Some(RED)),
        // 6: turn 90 degrees clockwise to view, so the stored top is on the right.
        (6, Some(BLUE), Some(RED), None, None),
        (8, Some(RED), Some(BLUE), None, None),
    ];
    for (orientation, left, right, top, bottom) in cases {
        let exif = exif_orientation(orientation);
        let full = decode_jpeg_output(&prepare(&jpeg(&stored, Some(&exif))).unwrap().full_jpeg, FULL_SIDE);
        let what = format!("orientation {orientation}");
        let probes = [(left, (32, 256)), (right, (480, 256)), (top, (256, 32)), (bottom, (256, 480))];
        for (expected, at) in probes {
            if let Some(colour) = expected {
                assert_colour(&full, at, colour, &what);
            }
        }
    }
}

#[test]
fn decoding_for_display_keeps_the_whole_image_upright_and_may_scale_a_large_jpeg() {
    let stored = RgbImage::from_fn(2000, 1000, |x, _| if x < 1000 { RED } else { GREEN });
    let bytes = jpeg(&stored, Some(&exif_orientation(6)));
    let limits = Limits::default();
    let full = decode_rgb(&bytes, &limits, None).unwrap();
    assert_eq!(full.dimensions(), (1000, 2000), "turned upright: portrait");
    assert_colour(&full, (500, 100), RED, "stored left is on top");
    let preview = decode_rgb(&bytes, &limits, Some(200)).unwrap();
    assert_eq!(preview.dimensions(), (250, 500), "decoded at a quarter, the short side kept above 200");
    assert_colour(&preview, (125, 480), GREEN, "stored right is at the bottom");
}

/// Random values smoothly upscaled by `cell`, one channel.
fn noise_plane(width: u32, height: u32, cell: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9) | 1;
    let (sw, sh) = (width.div_ceil(cell), height.div_ceil(cell));
    let noise: Vec<u8> = (0..sw * sh)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let src = fir::images::ImageRef::new(sw, sh, &noise, fir::PixelType::U8).unwrap();
    let mut dst = fir::images::Image::new(width, height, fir::PixelType::U8);
    let options = fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::CatmullRom));
    fir::Resizer::new().resize(&src, &mut dst, &options).unwrap();
    dst.into_vec()
}

/// Photo-like texture: detail in brightness everywhere (features of 10
/// pixels, denser than a phone photo: about 3 bits a pixel as a JPEG), colour
/// varying four times more slowly, as in a camera's pictures.
pub(crate) fn textured(width: u32, height: u32, seed: u32) -> RgbImage {
    let luma = noise_plane(width, height, 10, seed);
    let cb = noise_plane(width, height, 40, seed + 1);
    let cr = noise_plane(width, height, 40, seed + 2);
    let mut raw = Vec::with_capacity(luma.len() * 3);
    for ((&y, &b), &r) in luma.iter().zip(&cb).zip(&cr) {
        let (y, b, r) = (f32::from(y), f32::from(b) - 128.0, f32::from(r) - 128.0);
        let rgb = [y + 1.402 * r, y - 0.344 * b - 0.714 * r, y + 1.772 * b];
        raw.extend(rgb.map(|v| v.clamp(0.0, 255.0) as u8));
    }
    RgbImage::from_raw(width, height, raw).unwrap()
}

pub(crate) fn psnr(a: &RgbImage, b: &RgbImage) -> [f64; 3] {
    let mut squared = [0f64; 3];
    for (pa, pb) in a.pixels().zip(b.pixels()) {
        for c in 0..3 {
            let d = f64::from(pa[c]) - f64::from(pb[c]);
            squared[c] += d * d;
        }
    }
    let n = f64::from(a.width() * a.height());
    squared.map(|s| if s == 0.0 { f64::INFINITY } else { 10.0 * (255.0 * 255.0 / (s / n)).log10() })
}

#[test]
fn a_dct_scaled_decode_stays_faithful_to_a_full_decode_and_lanczos() {
    // Sizes where the decode is scaled by 2 and by 4 with the least margin
    // left over the 512 result (the worst case for fidelity).
    for (width, height, factor) in [(1800, 1290, 2), (2600, 2580, 4)] {
        let bytes = jpeg(&textured(width, height, width), None);
        let short = width.min(height);
        assert_eq!(decode::scale_factor_for(short, decode::faithful_min_side(FULL_SIDE)), factor);
        let reference = {
            let full = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap().into_rgb8();
            crop_resample(&full, FULL_SIDE).unwrap()
        };
        let scaled = square(&bytes, FULL_SIDE).unwrap();
        let db = psnr(&scaled, &reference);
        assert!(db.iter().all(|d| *d >= 38.0), "{width}x{height} at 1/{factor}: PSNR {db:?}");
    }
}

fn refused(bytes: &[u8]) -> PhotoError {
    prepare(bytes).expect_err("must be refused")
}

#[test]
fn files_that_are_not_jpeg_or_png_are_refused_by_name() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    assert_eq!(refused(gif), PhotoError::NotJpegOrPng("a GIF image"));
    assert_eq!(refused(WEBP_1X1), PhotoError::NotJpegOrPng("a WebP image"));
    assert_eq!(refused(b"hello, this is not a picture"), PhotoError::NotJpegOrPng("not an image we recognise"));
    assert_eq!(refused(b""), PhotoError::Empty);
    assert!(refused(gif).to_string().starts_with("Must be a JPEG or PNG image"));
}

/// A 1x1 lossless WebP.
pub(crate) const WEBP_1X1: &[u8] =
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";

#[test]
fn damaged_files_are_refused_without_panicking() {
    let whole = jpeg(&textured(600, 400, 3), None);
    for cut in [3, 20, 200, whole.len() / 2, whole.len() - 40] {
        match refused(&whole[..cut]) {
            PhotoError::Corrupt(_) => {}
            other => panic!("a JPEG cut at {cut} bytes gave {other:?}"),
        }
    }
    let png = png_rgba(&RgbaImage::from_pixel(64, 64, Rgba([1, 2, 3, 255])));
    assert!(matches!(refused(&png[..png.len() / 2]), PhotoError::Corrupt(_)));
    // Garbage after a valid signature.
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
    fake.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert!(matches!(refused(&fake), PhotoError::Corrupt(_) | PhotoError::Unsupported(..)));
}

/// A small file whose header claims `width` x `height` pixels.
pub(crate) fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = jpeg(&RgbImage::from_pixel(16, 16, RED), None);
    let mut i = 2;
    loop {
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if bytes[i + 1] == 0xC0 {
            bytes[i + 5..i + 7].copy_from_slice(&height.to_be_bytes());
            bytes[i + 7..i + 9].copy_from_slice(&width.to_be_bytes());
            return bytes;
        }
        i += 2 + len;
    }
}

/// A small PNG whose header claims `width` x `height` pixels.
pub(crate) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png_rgba(&RgbaImage::from_pixel(16, 16, Rgba([1, 2, 3, 255])));
    // Signature (8), IHDR length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn decompression_bombs_are_refused_from_the_header() {
    for bomb in [jpeg_claiming(50_000, 50_000), png_claiming(50_000, 50_000)] {
        let err = refused(&bomb);
        assert!(matches!(err, PhotoError::TooLarge(_)), "{err:?}");
        assert!(err.to_string().contains("50000x50000"), "{err}");
    }
    // Within the side limit but not the pixel count, or the memory to decode it.
    let err = refused(&png_claiming(20_000, 20_000));
    assert!(err.to_string().contains("megapixels"), "{err}");
    let err = refused(&png_claiming(16_000, 12_000));
    assert!(err.to_string().contains("MB to decode"), "{err}");
    let small_limits = Limits { max_file_bytes: 100, ..Limits::default() };
    assert_eq!(
        prepare_with(&jpeg(&textured(60, 60, 1), None), &small_limits).unwrap_err(),
        PhotoError::FileTooLarge(100)
    );
}

#[test]
fn a_tiny_or_grey_image_still_becomes_both_sizes() {
    let tiny = prepare(&jpeg(&RgbImage::from_pixel(3, 5, GREEN), None)).unwrap();
    decode_jpeg_output(&tiny.full_jpeg, FULL_SIDE);
    decode_jpeg_output(&tiny.small_jpeg, SMALL_SIDE);
    let grey = image::GrayImage::from_pixel(700, 500, image::Luma([90]));
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder.encode(grey.as_raw(), 700, 500, jpeg_encoder::ColorType::Luma).unwrap();
    let full = decode_jpeg_output(&prepare(&bytes).unwrap().full_jpeg, FULL_SIDE);
    assert_colour(&full, (256, 256), Rgb([90, 90, 90]), "grey");
}

#[test]
fn the_scale_factor_is_the_largest_that_keeps_enough_pixels() {
    let min = decode::faithful_min_side(FULL_SIDE);
    assert_eq!(min, 640);
    assert_eq!(decode::scale_factor_for(3024, min), 4);
    assert_eq!(decode::scale_factor_for(2559, min), 2);
    assert_eq!(decode::scale_factor_for(1280, min), 2);
    assert_eq!(decode::scale_factor_for(1279, min), 1);
    assert_eq!(decode::scale_factor_for(12_240, min), 8);
}

#[test]
fn every_common_sampling_and_restart_markers_decode_like_a_full_decoder() {
    let source = textured(333, 250, 9);
    let samplings = [
        jpeg_encoder::SamplingFactor::R_4_4_4,
        jpeg_encoder::SamplingFactor::R_4_2_2,
        jpeg_encoder::SamplingFactor::R_4_4_0,
        jpeg_encoder::SamplingFactor::R_4_2_0,
    ];
    for sampling in samplings {
        for restart in [0, 3] {
            let mut bytes = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 90);
            encoder.set_sampling_factor(sampling);
            if restart > 0 {
                encoder.set_restart_interval(restart);
            }
            encoder.encode(source.as_raw(), 333, 250, jpeg_encoder::ColorType::Rgb).unwrap();
            let reference = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap().into_rgb8();
            let ours = decode_rgb(&bytes, &Limits::default(), None).unwrap();
            assert_eq!(ours.dimensions(), (333, 250));
            // Not identical: at full scale subsampled chroma is replicated here,
            // interpolated there. A misplaced block would score below 20 dB.
            let db = psnr(&ours, &reference);
            assert!(db.iter().all(|d| *d >= 36.0), "{sampling:?}, restart {restart}: PSNR {db:?}");
        }
    }
}

#[test]
fn a_progressive_jpeg_goes_the_full_size_way_upright_and_is_refused_when_cut_short() {
    let stored = RgbImage::from_fn(600, 600, |_, y| if y < 300 { RED } else { BLUE });
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 90);
    encoder.set_progressive(true);
    encoder.add_app_segment(1, &exif_orientation(6)).unwrap();
    encoder.encode(stored.as_raw(), 600, 600, jpeg_encoder::ColorType::Rgb).unwrap();
    assert_eq!(start_of_frame(&bytes).0, 0xC2);
    let full = decode_jpeg_output(&prepare(&bytes).unwrap().full_jpeg, FULL_SIDE);
    assert_colour(&full, (32, 256), BLUE, "left");
    assert_colour(&full, (480, 256), RED, "right");
    assert!(matches!(refused(&bytes[..bytes.len() * 2 / 3]), PhotoError::Corrupt(_)));
}

/// Our own JPEG decoder reads hostile uploads: whatever bytes it is given,
/// it must answer with a picture or an error, never a panic.
#[test]
fn randomly_damaged_jpegs_never_panic_the_decoder() {
    let whole = jpeg(&textured(1100, 1100, 7), None);
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // A longer soak: FRONTDESK_FUZZ_ROUNDS=100000 cargo test --release --lib randomly_damaged
    let rounds = std::env::var("FRONTDESK_FUZZ_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(40);
    for round in 0..rounds {
        let mut bytes = whole.clone();
        let flips = 1 + (next() % 8) as usize;
        for _ in 0..flips {
            // Half the damage lands in the headers, half anywhere.
            let limit = if round % 2 == 0 { 700.min(bytes.len()) } else { bytes.len() };
            let at = (next() as usize) % limit;
            bytes[at] = next() as u8;
        }
        if round % 3 == 0 {
            let keep = bytes.len() / 2 + (next() as usize) % (bytes.len() / 2);
            bytes.truncate(keep);
        }
        // Scaled and full-size block decoding both see the damage.
        let short_side = if round % 4 == 0 { None } else { Some(256) };
        let _ = crate::photo::decode_rgb(&bytes, &crate::photo::Limits::default(), short_side);
    }
}

/// `png` with a chunk inserted right after IHDR (which ends at byte 33).
pub(crate) fn png_with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8], good_crc: bool) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]) ^ u32::from(!good_crc);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = png[..33].to_vec();
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[33..]);
    out
}

#[test]
fn compressed_colour_profiles_and_text_in_a_png_are_skipped_without_being_read() {
    let plain = png_rgba(&RgbaImage::from_pixel(40, 30, Rgba([30, 200, 60, 255])));
    // Two megabytes that are not even zlib, with a wrong checksum: what the
    // decoder is given is the file without them, byte for byte.
    let mut profile = b"bomb\0\0".to_vec();
    profile.extend(std::iter::repeat_n(0x5Au8, 2 * 1024 * 1024));
    for kind in [b"iCCP", b"zTXt", b"iTXt"] {
        let hostile = png_with_chunk(&plain, kind, &profile, false);
        assert_eq!(&decode::without_compressed_text(&hostile).unwrap()[..], &plain[..]);
        let img = decode_rgb(&hostile, &Limits::default(), None).unwrap();
        assert_eq!(img.dimensions(), (40, 30));
        assert_colour(&img, (20, 15), GREEN, "skipped chunk");
        prepare(&hostile).unwrap();
    }
    // Untouched files are not copied; a chunk running past the end is refused.
    assert!(matches!(decode::without_compressed_text(&plain).unwrap(), std::borrow::Cow::Borrowed(_)));
    let cut = png_with_chunk(&plain, b"iCCP", &profile, true);
    assert_eq!(refused(&cut[..1000]), PhotoError::Corrupt("the file ends early".into()));
}

#[test]
fn damaged_files_are_refused_in_words_a_desk_worker_understands() {
    let png = png_rgba(&RgbaImage::from_pixel(40, 30, Rgba([30, 200, 60, 255])));
    // A flipped byte in the pixel data: the PNG's checksum no longer matches.
    let mut damaged = png.clone();
    let idat = damaged.windows(4).position(|w| w == b"IDAT").unwrap();
    damaged[idat + 6] ^= 0xFF;
    let mut jpeg_damaged = jpeg(&textured(64, 64, 3), None);
    let sos = jpeg_damaged.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    for b in &mut jpeg_damaged[sos + 14..sos + 40] {
        *b = 0xFF;
    }
    for bytes in [damaged, jpeg_damaged] {
        let message = refused(&bytes).to_string();
        for internal in ["CRC", "0x", "Chunk", "Huffman", "expected", "{"] {
            assert!(!message.contains(internal), "{message}");
        }
        assert!(message.starts_with("The image file is damaged or incomplete"), "{message}");
    }
}
