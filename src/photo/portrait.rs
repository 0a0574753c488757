//! Generated portrait-like photos for demo customers: a backdrop, shoulders,
//! a head with hair, eyes, brows, nose and mouth, varied by a seed.
//!
//! Drawn as horizontal spans (each a memcpy) at twice the size and resampled
//! down with Lanczos3, so it is smooth-edged and fast even in a debug build.

use fast_image_resize as fir;
use image::RgbImage;

use super::{FULL_SIDE, PhotoError, PreparedPhoto, SMALL_SIDE, encode_jpeg, resample_square};

/// Drawing size: twice the output, for anti-aliased edges.
const CANVAS: usize = 2 * FULL_SIDE as usize;

type Rgb = [u8; 3];

const SKIN: [Rgb; 8] = [
    [255, 224, 196],
    [241, 194, 160],
    [224, 172, 135],
    [198, 145, 105],
    [168, 117, 80],
    [141, 94, 62],
    [110, 70, 45],
    [84, 54, 36],
];
const HAIR: [Rgb; 8] = [
    [24, 20, 18],
    [58, 40, 28],
    [96, 64, 38],
    [150, 110, 64],
    [212, 178, 120],
    [160, 70, 40],
    [140, 140, 140],
    [228, 226, 220],
];
const BACKDROPS: [(Rgb, Rgb); 6] = [
    ([176, 196, 222], [96, 118, 150]),
    ([210, 210, 204], [140, 140, 134]),
    ([226, 212, 186], [166, 144, 110]),
    ([186, 214, 196], [104, 140, 118]),
    ([200, 190, 220], [120, 108, 150]),
    ([240, 240, 240], [190, 190, 196]),
];
const CLOTHES: [Rgb; 8] = [
    [40, 60, 110],
    [150, 30, 40],
    [30, 110, 70],
    [60, 60, 64],
    [230, 230, 226],
    [200, 140, 30],
    [90, 50, 120],
    [20, 120, 140],
];
const EYES: [Rgb; 4] = [[70, 45, 25], [40, 90, 140], [60, 110, 70], [110, 90, 60]];

/// A 512x512 portrait-like image; the same seed always gives the same image.
pub fn generate(seed: u64) -> RgbImage {
    let mut rng = SplitMix(seed ^ 0x5EED_F00D_CAFE_D00D);
    let mut canvas = Canvas::new();
    let s = |v: f64| v * CANVAS as f64 / 512.0;

    let (top, bottom) = BACKDROPS[rng.below(BACKDROPS.len())];
    canvas.vertical_gradient(top, bottom);

    let skin = SKIN[rng.below(SKIN.len())];
    let shade = scale(skin, 0.82);
    let hair = HAIR[rng.below(HAIR.len())];
    let clothes = CLOTHES[rng.below(CLOTHES.len())];
    let eye = EYES[rng.below(EYES.len())];

    let cx = s(256.0 + rng.between(-18.0, 18.0));
    let head_cy = s(236.0 + rng.between(-14.0, 14.0));
    let head_rx = s(rng.between(88.0, 108.0));
    let head_ry = s(rng.between(116.0, 136.0));
    let style = rng.below(5);

    // Long hair falls behind the head and onto the shoulders.
    if style == 0 {
        canvas.ellipse(cx, head_cy + s(70.0), head_rx * 1.35, head_ry * 1.25, hair);
    }
    // Shoulders, neck, ears, head.
    canvas.ellipse(cx, s(600.0), s(rng.between(210.0, 250.0)), s(190.0), clothes);
    canvas.rect(cx - head_rx * 0.42, head_cy + head_ry * 0.55, cx + head_rx * 0.42, s(455.0), shade);
    canvas.ellipse(cx, s(452.0), head_rx * 0.52, s(22.0), shade);
    for side in [-1.0, 1.0] {
        canvas.ellipse(cx + side * head_rx * 0.98, head_cy + s(6.0), s(16.0), s(28.0), shade);
    }
    canvas.ellipse(cx, head_cy, head_rx, head_ry, shade);
    canvas.ellipse(cx - head_rx * 0.08, head_cy - head_ry * 0.05, head_rx * 0.9, head_ry * 0.93, skin);
    // Hair on top: a cap cut at the hairline (none for style 4).
    let hairline = head_cy - head_ry * rng.between(0.35, 0.55);
    match style {
        0..=2 => canvas.ellipse_above(cx, head_cy - s(8.0), head_rx * 1.06, head_ry * 1.02, hairline, hair),
        3 => {
            canvas.ellipse_above(cx, head_cy - s(4.0), head_rx * 1.04, head_ry, hairline, hair);
            canvas.ellipse(cx, head_cy - head_ry * 1.02, head_rx * 0.42, head_ry * 0.3, hair);
        }
        _ => {}
    }
    // Eyes, brows, nose, mouth.
    let eye_y = head_cy - head_ry * 0.05;
    let eye_dx = head_rx * 0.4;
    for side in [-1.0, 1.0] {
        let ex = cx + side * eye_dx;
        canvas.ellipse(ex, eye_y, s(15.0), s(8.5), [245, 245, 240]);
        canvas.ellipse(ex, eye_y, s(6.5), s(6.5), eye);
        canvas.ellipse(ex, eye_y, s(2.8), s(2.8), [10, 10, 10]);
        canvas.ellipse(ex, eye_y - s(21.0), s(18.0), s(3.5), scale(hair, 0.8));
    }
    canvas.ellipse(cx, eye_y + head_ry * 0.3, s(9.0), s(14.0), shade);
    let mouth_y = head_cy + head_ry * 0.5;
    canvas.ellipse(cx, mouth_y, s(rng.between(20.0, 28.0)), s(6.0), [150, 60, 60]);
    // Glasses on some.
    if rng.below(4) == 0 {
        for side in [-1.0, 1.0] {
            canvas.ring(cx + side * eye_dx, eye_y, s(27.0), s(20.0), s(3.0), [30, 30, 30]);
        }
        canvas.rect(cx - eye_dx + s(27.0), eye_y - s(2.0), cx + eye_dx - s(27.0), eye_y + s(2.0), [30, 30, 30]);
    }
    canvas.downsample()
}

/// A generated portrait, ready to store as a customer's photo.
pub fn prepared(seed: u64) -> Result<PreparedPhoto, PhotoError> {
    let full = generate(seed);
    let small = resample_square(&full, SMALL_SIDE)?;
    Ok(PreparedPhoto { full_jpeg: encode_jpeg(&full)?, small_jpeg: encode_jpeg(&small)? })
}

fn scale(c: Rgb, f: f64) -> Rgb {
    c.map(|v| (f64::from(v) * f).clamp(0.0, 255.0) as u8)
}

struct Canvas {
    raw: Vec<u8>,
    /// One row of the current colour, copied into spans.
    pattern: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas { raw: vec![0; CANVAS * CANVAS * 3], pattern: Vec::with_capacity(CANVAS * 3) }
    }

    fn set_colour(&mut self, c: Rgb) {
        self.pattern.clear();
        for _ in 0..CANVAS {
            self.pattern.extend_from_slice(&c);
        }
    }

    /// Fills pixels [x0, x1) of row y.
    fn span(&mut self, y: usize, x0: f64, x1: f64) {
        let x0 = x0.round().clamp(0.0, CANVAS as f64) as usize;
        let x1 = x1.round().clamp(0.0, CANVAS as f64) as usize;
        if x1 > x0 && y < CANVAS {
            let start = (y * CANVAS + x0) * 3;
            self.raw[start..start + (x1 - x0) * 3].copy_from_slice(&self.pattern[..(x1 - x0) * 3]);
        }
    }

    fn rows(y0: f64, y1: f64) -> std::ops::Range<usize> {
        let clamp = |v: f64| v.clamp(0.0, CANVAS as f64) as usize;
        clamp(y0.floor())..clamp(y1.ceil())
    }

    fn vertical_gradient(&mut self, top: Rgb, bottom: Rgb) {
        for y in 0..CANVAS {
            let t = y as f64 / CANVAS as f64;
            let c: Rgb = std::array::from_fn(|i| (f64::from(top[i]) * (1.0 - t) + f64::from(bottom[i]) * t) as u8);
            self.set_colour(c);
            self.span(y, 0.0, CANVAS as f64);
        }
    }

    fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, c: Rgb) {
        self.set_colour(c);
        for y in Self::rows(y0, y1) {
            self.span(y, x0, x1);
        }
    }

    /// Half-width of an ellipse at row y (pixel centre), if the row crosses it.
    fn half_width(cy: f64, rx: f64, ry: f64, y: usize) -> Option<f64> {
        let dy = (y as f64 + 0.5 - cy) / ry;
        (dy.abs() < 1.0).then(|| rx * (1.0 - dy * dy).sqrt())
    }

    fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, c: Rgb) {
        self.ellipse_above(cx, cy, rx, ry, cy + ry, c);
    }

    /// The part of an ellipse above row `limit`.
    fn ellipse_above(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, limit: f64, c: Rgb) {
        self.set_colour(c);
        for y in Self::rows(cy - ry, limit.min(cy + ry)) {
            if let Some(hw) = Self::half_width(cy, rx, ry, y) {
                self.span(y, cx - hw, cx + hw);
            }
        }
    }

    /// An elliptical outline `thickness` wide.
    fn ring(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, thickness: f64, c: Rgb) {
        self.set_colour(c);
        for y in Self::rows(cy - ry, cy + ry) {
            let Some(outer) = Self::half_width(cy, rx, ry, y) else { continue };
            match Self::half_width(cy, rx - thickness, ry - thickness, y) {
                Some(inner) => {
                    self.span(y, cx - outer, cx - inner);
                    self.span(y, cx + inner, cx + outer);
                }
                None => self.span(y, cx - outer, cx + outer),
            }
        }
    }

    fn downsample(self) -> RgbImage {
        let side = CANVAS as u32;
        let src = fir::images::ImageRef::new(side, side, &self.raw, fir::PixelType::U8x3).expect("canvas size");
        let mut dst = fir::images::Image::new(FULL_SIDE, FULL_SIDE, fir::PixelType::U8x3);
        let options = fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
        fir::Resizer::new().resize(&src, &mut dst, &options).expect("same pixel type");
        RgbImage::from_raw(FULL_SIDE, FULL_SIDE, dst.into_vec()).expect("output size")
    }
}

/// A small deterministic generator (the demo must look the same every run).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portraits_are_deterministic_and_vary_by_seed() {
        let a = generate(7);
        assert_eq!(a.dimensions(), (FULL_SIDE, FULL_SIDE));
        assert_eq!(a, generate(7));
        assert_ne!(a, generate(8));
    }

    #[test]
    fn a_portrait_has_a_face_in_the_middle_and_backdrop_in_the_corners() {
        for seed in 0..20 {
            let img = generate(seed);
            let corner = *img.get_pixel(4, 4);
            let below_eyes = *img.get_pixel(256, 300);
            let distance: i32 = corner.0.iter().zip(below_eyes.0).map(|(a, b)| (i32::from(*a) - i32::from(b)).abs()).sum();
            assert!(distance > 30, "seed {seed}: face {below_eyes:?} looks like the backdrop {corner:?}");
        }
    }

    #[test]
    fn a_prepared_portrait_is_two_jpegs_of_the_stored_sizes() {
        let photo = prepared(3).unwrap();
        let full = image::load_from_memory(&photo.full_jpeg).unwrap();
        let small = image::load_from_memory(&photo.small_jpeg).unwrap();
        assert_eq!((full.width(), full.height()), (FULL_SIDE, FULL_SIDE));
        assert_eq!((small.width(), small.height()), (SMALL_SIDE, SMALL_SIDE));
    }
}
