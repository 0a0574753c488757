//! A baseline JPEG decoder that decodes straight to 1/1, 1/2, 1/4 or 1/8 scale:
//! what every phone camera writes, without ever building the full-size image.
//!
//! Each block's IDCT output is averaged over k x k boxes in the coefficient
//! domain, so a scaled decode equals a full decode followed by box averaging.
//! Every component is scaled so that all planes land at the output size:
//! 4:2:0 chroma at 1/4 scale keeps twice the luma's block resolution instead of
//! being decoded at 1/8 and smeared back up (what a single per-image scale does).
//! Progressive, arithmetic, 12-bit, CMYK and multi-scan files are left to the
//! `image` crate ([`Header::is_simple_baseline`]).

mod entropy;
mod header;
mod idct;

use image::RgbImage;

use super::PhotoError;
use entropy::{BitReader, Coefficients, Huffman, decode_block};
pub use header::Header;
use idct::Idct;

/// A damaged file, in words for the person who chose it: what exactly is
/// wrong (a Huffman code, a table id) goes to the log only.
fn corrupt(detail: &str) -> PhotoError {
    tracing::debug!(detail, "JPEG refused");
    PhotoError::Corrupt("parts of the picture data are scrambled".into())
}

fn ends_early() -> PhotoError {
    PhotoError::Corrupt("the file ends early".into())
}

/// Zigzag position to natural (row-major) position.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63,
];

/// One component's output plane while decoding: the MCU grid at output scale.
struct Plane {
    pixels: Vec<u8>,
    /// Output pixels per block, across and down, before replication.
    kx: usize,
    ky: usize,
    /// Replication of each output pixel (chroma at full scale).
    rx: usize,
    ry: usize,
    h: usize,
    v: usize,
    idct: Idct,
    quant: [f32; 64],
    dc: Huffman,
    ac: Huffman,
    predictor: i32,
}

/// The MCU grid: MCUs across and down, and each plane's width and height.
#[derive(Clone, Copy)]
struct Grid {
    mcus_x: usize,
    mcus_y: usize,
    plane_w: usize,
    plane_h: usize,
}

/// Decodes a [`Header::is_simple_baseline`] file at 1/`factor` scale
/// (`factor` 1, 2, 4 or 8): `ceil(width / factor)` x `ceil(height / factor)`.
pub fn decode_scaled(bytes: &[u8], header: &Header, factor: u32) -> Result<RgbImage, PhotoError> {
    debug_assert!(header.is_simple_baseline() && matches!(factor, 1 | 2 | 4 | 8));
    let (hmax, vmax) = header.max_sampling();
    let mcus_x = header.width.div_ceil(8 * hmax) as usize;
    let mcus_y = header.height.div_ceil(8 * vmax) as usize;
    // Every plane is the MCU grid at output scale.
    let plane_w = mcus_x * (8 * hmax / factor) as usize;
    let plane_h = mcus_y * (8 * vmax / factor) as usize;
    let grid = Grid { mcus_x, mcus_y, plane_w, plane_h };
    let mut planes = planes(header, factor, grid)?;
    decode_scan(bytes, header, grid, &mut planes)?;
    to_rgb(header, factor, grid, &planes)
}

/// A plane for each component of the scan, with its tables.
fn planes(header: &Header, factor: u32, grid: Grid) -> Result<Vec<Plane>, PhotoError> {
    let (hmax, vmax) = header.max_sampling();
    let single = header.components.len() == 1;
    // `is_simple_baseline` checked that every table a component names is there.
    let missing = || corrupt("the scan names a missing table");
    header
        .scan
        .iter()
        .map(|s| {
            let c = header.components[s.index];
            let (h, v) = if single { (1, 1) } else { (c.h, c.v) };
            // Output pixels one block covers: 8 samples of this component
            // span 8 * hmax / h image pixels.
            let span_x = (8 * hmax / h / factor) as usize;
            let span_y = (8 * vmax / v / factor) as usize;
            let (kx, ky) = (span_x.min(8), span_y.min(8));
            Ok(Plane {
                pixels: vec![0; grid.plane_w * grid.plane_h],
                kx,
                ky,
                rx: span_x / kx,
                ry: span_y / ky,
                h: h as usize,
                v: v as usize,
                idct: Idct::new(kx, ky),
                quant: header.quant[c.quant].ok_or_else(missing)?,
                dc: header.dc_tables[s.dc].clone().ok_or_else(missing)?,
                ac: header.ac_tables[s.ac].clone().ok_or_else(missing)?,
                predictor: 0,
            })
        })
        .collect()
}

/// Decodes the scan's MCUs into the planes.
fn decode_scan(bytes: &[u8], header: &Header, grid: Grid, planes: &mut [Plane]) -> Result<(), PhotoError> {
    let plane_w = grid.plane_w;
    let mut bits = BitReader::new(&bytes[header.scan_start..]);
    let restart = usize::from(header.restart_interval);
    let mut block = Coefficients::default();
    let mut out = [0u8; 64];
    let mut until_restart = restart;
    for my in 0..grid.mcus_y {
        for mx in 0..grid.mcus_x {
            if restart > 0 {
                if until_restart == 0 {
                    bits.restart()?;
                    planes.iter_mut().for_each(|p| p.predictor = 0);
                    until_restart = restart;
                }
                until_restart -= 1;
            }
            for plane in planes.iter_mut() {
                let (width, height) = (plane.kx * plane.rx, plane.ky * plane.ry);
                for by in 0..plane.v {
                    for bx in 0..plane.h {
                        decode_block(&mut bits, &plane.dc, &plane.ac, &plane.quant, &mut plane.predictor, &mut block)?;
                        plane.idct.apply(&block, &mut out);
                        let x0 = (mx * plane.h + bx) * width;
                        let y0 = (my * plane.v + by) * height;
                        for (y, src) in out[..plane.kx * plane.ky].chunks_exact(plane.kx).enumerate() {
                            for copy in 0..plane.ry {
                                let start = (y0 + y * plane.ry + copy) * plane_w + x0;
                                let row = &mut plane.pixels[start..start + width];
                                if plane.rx == 1 {
                                    // Rows are a few bytes: a plain loop beats a memcpy call.
                                    for (d, s) in row.iter_mut().zip(src) {
                                        *d = *s;
                                    }
                                } else {
                                    for (pair, &value) in row.chunks_exact_mut(plane.rx).zip(src) {
                                        pair.fill(value);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if bits.overran() {
                return Err(ends_early());
            }
        }
    }
    Ok(())
}

/// The planes, cropped to the output size, as RGB.
fn to_rgb(header: &Header, factor: u32, grid: Grid, planes: &[Plane]) -> Result<RgbImage, PhotoError> {
    let plane_w = grid.plane_w;
    let single = header.components.len() == 1;
    let (out_w, out_h) = (header.width.div_ceil(factor) as usize, header.height.div_ceil(factor) as usize);
    let mut rgb = vec![0u8; out_w * out_h * 3];
    for (y, rgb_row) in rgb.chunks_exact_mut(out_w * 3).enumerate() {
        fn plane_row(p: &Plane, start: usize, len: usize) -> &[u8] {
            &p.pixels[start..start + len]
        }
        let row = |p| plane_row(p, y * plane_w, out_w);
        if single {
            for (px, &l) in rgb_row.chunks_exact_mut(3).zip(row(&planes[0])) {
                px.copy_from_slice(&[l, l, l]);
            }
        } else {
            let (a, b, c) = (row(&planes[0]), row(&planes[1]), row(&planes[2]));
            let pixels = rgb_row.chunks_exact_mut(3).zip(a.iter().zip(b).zip(c));
            if header.is_rgb() {
                for (px, ((&r, &g), &b)) in pixels {
                    px.copy_from_slice(&[r, g, b]);
                }
            } else {
                for (px, ((&y, &cb), &cr)) in pixels {
                    px.copy_from_slice(&ycbcr_to_rgb(y, cb, cr));
                }
            }
        }
    }
    super::rgb_image(out_w as u32, out_h as u32, rgb)
}

/// JFIF's YCbCr to RGB, in 16.16 fixed point.
#[inline]
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let y = (i32::from(y) << 16) + (1 << 15);
    let (cb, cr) = (i32::from(cb) - 128, i32::from(cr) - 128);
    let clamp = |v: i32| (v >> 16).clamp(0, 255) as u8;
    [clamp(y + 91_881 * cr), clamp(y - 22_554 * cb - 46_802 * cr), clamp(y + 116_130 * cb)]
}
