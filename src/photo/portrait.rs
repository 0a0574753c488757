//! Generated portrait-like photos for demo customers: a backdrop, shoulders,
//! a head with hair, eyes, brows, nose and mouth, varied by a seed.
//!
//! Drawn as anti-aliased horizontal spans (mostly memcpy), so it is
//! smooth-edged and fast even in a debug build.

use image::RgbImage;

use super::{FULL_SIDE, PhotoError, PreparedPhoto, SMALL_SIDE, encode_jpeg};

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
    draw(seed, FULL_SIDE)
}

/// A generated portrait, ready to store as a customer's photo (the demo's
/// are given by `service::customers::attach_portraits`). Both sizes are
/// drawn directly (the same picture), which keeps a demo with hundreds of
/// photos quick to build even in a debug build.
pub fn prepared(seed: u64) -> Result<PreparedPhoto, PhotoError> {
    Ok(PreparedPhoto {
        full_jpeg: encode_jpeg(&draw(seed, FULL_SIDE))?,
        small_jpeg: encode_jpeg(&draw(seed, SMALL_SIDE))?,
    })
}

/// The portrait at `side` x `side`; drawn in 512ths so every size shows the same face.
fn draw(seed: u64, side: u32) -> RgbImage {
    let mut rng = SplitMix(seed ^ 0x5EED_F00D_CAFE_D00D);
    let mut canvas = Canvas::new(side as usize);
    let s = |v: f64| v * f64::from(side) / 512.0;

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
    canvas.rect(cx - head_rx * 0.4, head_cy + head_ry * 0.55, cx + head_rx * 0.4, s(420.0), shade);
    canvas.ellipse(cx, s(585.0), s(rng.between(210.0, 250.0)), s(200.0), clothes);
    canvas.ellipse_above(cx, s(392.0), head_rx * 0.4, s(26.0), s(392.0) + s(26.0), shade);
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
    canvas.into_image()
}

fn scale(c: Rgb, f: f64) -> Rgb {
    c.map(|v| (f64::from(v) * f).clamp(0.0, 255.0) as u8)
}

/// An RGB canvas drawn with anti-aliased horizontal spans: each row is
/// sampled at four heights, fully covered pixels are copied from a row of
/// the colour, only the edge pixels are blended.
struct Canvas {
    size: usize,
    raw: Vec<u8>,
    /// One row of the current colour.
    pattern: Vec<u8>,
    colour: Rgb,
}

/// Sub-rows sampled per pixel row, for vertical anti-aliasing.
const SUB_ROWS: usize = 4;

impl Canvas {
    fn new(size: usize) -> Canvas {
        Canvas { size, raw: vec![0; size * size * 3], pattern: Vec::with_capacity(size * 3), colour: [0; 3] }
    }

    fn set_colour(&mut self, c: Rgb) {
        self.colour = c;
        self.pattern.clear();
        for _ in 0..self.size {
            self.pattern.extend_from_slice(&c);
        }
    }

    /// Covers row y where each sub-row's intervals say, blending partial pixels.
    fn cover_row(&mut self, y: usize, sub_rows: &[[Option<(f64, f64)>; 2]; SUB_ROWS]) {
        let size = self.size as f64;
        let intervals = || sub_rows.iter().flatten().flatten().map(|&(a, b)| (a.clamp(0.0, size), b.clamp(0.0, size)));
        let Some(left) = intervals().map(|(a, _)| a).reduce(f64::min) else { return };
        let right = intervals().map(|(_, b)| b).fold(left, f64::max);
        // Pixels every sub-row covers with its first interval are plain copies.
        let (mut inner_left, mut inner_right) = (left.ceil(), right.floor());
        for sub in sub_rows {
            match sub {
                [Some((a, b)), None] => {
                    inner_left = inner_left.max(a.ceil());
                    inner_right = inner_right.min(b.floor());
                }
                _ => inner_right = inner_left,
            }
        }
        let row = y * self.size * 3;
        if inner_right > inner_left {
            let (x0, x1) = (inner_left as usize, inner_right as usize);
            self.raw[row + x0 * 3..row + x1 * 3].copy_from_slice(&self.pattern[..(x1 - x0) * 3]);
        }
        for x in left.floor() as usize..(right.ceil() as usize).min(self.size) {
            let xf = x as f64;
            if xf >= inner_left && xf + 1.0 <= inner_right {
                continue;
            }
            let covered: f64 = intervals().map(|(a, b)| (b.min(xf + 1.0) - a.max(xf)).max(0.0)).sum::<f64>();
            let alpha = (covered / SUB_ROWS as f64).min(1.0);
            let px = &mut self.raw[row + x * 3..row + x * 3 + 3];
            for (p, c) in px.iter_mut().zip(self.colour) {
                *p = (f64::from(*p) * (1.0 - alpha) + f64::from(c) * alpha).round() as u8;
            }
        }
    }

    /// Rows a shape from y0 to y1 touches.
    fn rows(&self, y0: f64, y1: f64) -> std::ops::Range<usize> {
        let clamp = |v: f64| v.clamp(0.0, self.size as f64) as usize;
        clamp(y0.floor())..clamp(y1.ceil())
    }

    /// Sub-row heights of row y.
    fn sub_rows(y: usize) -> [f64; SUB_ROWS] {
        std::array::from_fn(|k| y as f64 + (k as f64 + 0.5) / SUB_ROWS as f64)
    }

    fn vertical_gradient(&mut self, top: Rgb, bottom: Rgb) {
        for y in 0..self.size {
            let t = y as f64 / self.size as f64;
            let c: Rgb = std::array::from_fn(|i| (f64::from(top[i]) * (1.0 - t) + f64::from(bottom[i]) * t) as u8);
            self.set_colour(c);
            let row = y * self.size * 3;
            self.raw[row..row + self.size * 3].copy_from_slice(&self.pattern);
        }
    }

    fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, c: Rgb) {
        self.set_colour(c);
        for y in self.rows(y0, y1) {
            let subs = Self::sub_rows(y).map(|sy| [(sy >= y0 && sy < y1).then_some((x0, x1)), None]);
            self.cover_row(y, &subs);
        }
    }

    /// Half-width of an ellipse at height y, if it reaches there.
    fn half_width(cy: f64, rx: f64, ry: f64, y: f64) -> Option<f64> {
        let dy = (y - cy) / ry;
        (dy.abs() < 1.0).then(|| rx * (1.0 - dy * dy).sqrt())
    }

    fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, c: Rgb) {
        self.ellipse_above(cx, cy, rx, ry, cy + ry, c);
    }

    /// The part of an ellipse above height `limit`.
    fn ellipse_above(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, limit: f64, c: Rgb) {
        self.set_colour(c);
        for y in self.rows(cy - ry, limit.min(cy + ry)) {
            let subs = Self::sub_rows(y)
                .map(|sy| [Self::half_width(cy, rx, ry, sy).filter(|_| sy < limit).map(|hw| (cx - hw, cx + hw)), None]);
            self.cover_row(y, &subs);
        }
    }

    /// An elliptical outline `thickness` wide.
    fn ring(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, thickness: f64, c: Rgb) {
        self.set_colour(c);
        for y in self.rows(cy - ry, cy + ry) {
            let subs = Self::sub_rows(y).map(|sy| match Self::half_width(cy, rx, ry, sy) {
                None => [None, None],
                Some(outer) => match Self::half_width(cy, rx - thickness, ry - thickness, sy) {
                    Some(inner) => [Some((cx - outer, cx - inner)), Some((cx + inner, cx + outer))],
                    None => [Some((cx - outer, cx + outer)), None],
                },
            });
            self.cover_row(y, &subs);
        }
    }

    fn into_image(self) -> RgbImage {
        let side = self.size as u32;
        // `raw` is made side x side x 3 in `new` and never resized, so the
        // blank fallback is never taken.
        RgbImage::from_raw(side, side, self.raw).unwrap_or_else(|| RgbImage::new(side, side))
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
            let distance: i32 =
                corner.0.iter().zip(below_eyes.0).map(|(a, b)| (i32::from(*a) - i32::from(b)).abs()).sum();
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
