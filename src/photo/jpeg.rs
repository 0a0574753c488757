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

use image::RgbImage;

use super::PhotoError;

/// What the markers before the first scan say.
pub struct Header<'a> {
    pub width: u32,
    pub height: u32,
    /// Start-of-frame marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...
    pub frame_kind: u8,
    precision: u8,
    components: Vec<Component>,
    /// Components in the first scan, as indexes into `components`, with their tables.
    scan: Vec<ScanComponent>,
    spectral: (u8, u8, u8),
    quant: [Option<[f32; 64]>; 4],
    dc_tables: [Option<Huffman>; 4],
    ac_tables: [Option<Huffman>; 4],
    restart_interval: u16,
    adobe_transform: Option<u8>,
    pub exif: Option<&'a [u8]>,
    /// Offset of the first scan's entropy-coded data.
    scan_start: usize,
}

#[derive(Clone, Copy)]
struct Component {
    id: u8,
    h: u32,
    v: u32,
    quant: usize,
}

#[derive(Clone, Copy)]
struct ScanComponent {
    index: usize,
    dc: usize,
    ac: usize,
}

/// A damaged file, in words for the person who chose it: what exactly is
/// wrong (a Huffman code, a table id) goes to the log only.
fn corrupt(detail: &str) -> PhotoError {
    tracing::debug!(detail, "JPEG refused");
    PhotoError::Corrupt("parts of the picture data are scrambled".into())
}

fn ends_early() -> PhotoError {
    PhotoError::Corrupt("the file ends early".into())
}

impl<'a> Header<'a> {
    /// Reads the markers up to the first scan.
    pub fn read(bytes: &'a [u8]) -> Result<Header<'a>, PhotoError> {
        let mut header = Header {
            width: 0,
            height: 0,
            frame_kind: 0,
            precision: 0,
            components: Vec::new(),
            scan: Vec::new(),
            spectral: (0, 0, 0),
            quant: [None; 4],
            dc_tables: [None, None, None, None],
            ac_tables: [None, None, None, None],
            restart_interval: 0,
            adobe_transform: None,
            exif: None,
            scan_start: 0,
        };
        let mut pos = 2;
        loop {
            // Markers may be preceded by fill bytes.
            while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
                pos += 1;
            }
            let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
                return Err(if pos + 1 >= bytes.len() { ends_early() } else { corrupt("a marker was expected") });
            };
            pos += 2;
            if matches!(marker, 0x01 | 0xD0..=0xD7) {
                continue;
            }
            if marker == 0xD9 {
                return Err(corrupt("the image ends before any pixel data"));
            }
            let len = match bytes.get(pos..pos + 2) {
                Some(b) => usize::from(u16::from_be_bytes([b[0], b[1]])),
                None => return Err(ends_early()),
            };
            let segment = bytes.get(pos + 2..pos + len).filter(|_| len >= 2).ok_or_else(ends_early)?;
            pos += len;
            match marker {
                0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => header.read_frame(marker, segment)?,
                0xC4 => header.read_huffman(segment)?,
                0xDB => header.read_quant(segment)?,
                0xDD => {
                    let b = segment.get(..2).ok_or_else(|| corrupt("short restart interval"))?;
                    header.restart_interval = u16::from_be_bytes([b[0], b[1]]);
                }
                0xE1 if segment.starts_with(b"Exif\0\0") && header.exif.is_none() => header.exif = Some(&segment[6..]),
                0xEE if segment.starts_with(b"Adobe") && segment.len() >= 12 => {
                    header.adobe_transform = Some(segment[11])
                }
                0xDA => {
                    header.read_scan(segment)?;
                    header.scan_start = pos;
                    return Ok(header);
                }
                _ => {}
            }
        }
    }

    fn read_frame(&mut self, marker: u8, s: &[u8]) -> Result<(), PhotoError> {
        if self.frame_kind != 0 {
            return Err(corrupt("two frame headers"));
        }
        if s.len() < 6 {
            return Err(corrupt("short frame header"));
        }
        self.frame_kind = marker;
        self.precision = s[0];
        self.height = u32::from(u16::from_be_bytes([s[1], s[2]]));
        self.width = u32::from(u16::from_be_bytes([s[3], s[4]]));
        let count = usize::from(s[5]);
        let specs = s.get(6..6 + 3 * count).ok_or_else(|| corrupt("short frame header"))?;
        if count == 0 {
            return Err(corrupt("no components"));
        }
        for c in specs.chunks_exact(3) {
            let (h, v) = (u32::from(c[1] >> 4), u32::from(c[1] & 15));
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
                return Err(corrupt("invalid component sampling or table"));
            }
            self.components.push(Component { id: c[0], h, v, quant: usize::from(c[2]) });
        }
        Ok(())
    }

    fn read_quant(&mut self, mut s: &[u8]) -> Result<(), PhotoError> {
        while let Some((&pq_tq, rest)) = s.split_first() {
            let (wide, id) = (pq_tq >> 4 != 0, usize::from(pq_tq & 15));
            let size = if wide { 128 } else { 64 };
            let values = rest.get(..size).ok_or_else(|| corrupt("short quantization table"))?;
            if id > 3 {
                return Err(corrupt("invalid quantization table id"));
            }
            let mut table = [0f32; 64];
            for (k, &natural) in ZIGZAG.iter().enumerate() {
                let q =
                    if wide { u16::from_be_bytes([values[2 * k], values[2 * k + 1]]) } else { u16::from(values[k]) };
                table[natural] = f32::from(q);
            }
            self.quant[id] = Some(table);
            s = &rest[size..];
        }
        Ok(())
    }

    fn read_huffman(&mut self, mut s: &[u8]) -> Result<(), PhotoError> {
        while s.len() >= 17 {
            let (class, id) = (s[0] >> 4, usize::from(s[0] & 15));
            let counts: [u8; 16] = s[1..17].try_into().expect("16 bytes");
            let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
            let symbols = s.get(17..17 + total).ok_or_else(|| corrupt("short Huffman table"))?;
            if class > 1 || id > 3 {
                return Err(corrupt("invalid Huffman table id"));
            }
            let table = Huffman::new(&counts, symbols)?;
            if class == 0 {
                self.dc_tables[id] = Some(table);
            } else {
                self.ac_tables[id] = Some(table);
            }
            s = &s[17 + total..];
        }
        Ok(())
    }

    fn read_scan(&mut self, s: &[u8]) -> Result<(), PhotoError> {
        if self.frame_kind == 0 {
            return Err(corrupt("pixel data before the frame header"));
        }
        let count = usize::from(*s.first().ok_or_else(|| corrupt("short scan header"))?);
        let specs = s.get(1..1 + 2 * count).ok_or_else(|| corrupt("short scan header"))?;
        for c in specs.chunks_exact(2) {
            let index = self
                .components
                .iter()
                .position(|comp| comp.id == c[0])
                .ok_or_else(|| corrupt("the scan names an unknown component"))?;
            self.scan.push(ScanComponent { index, dc: usize::from(c[1] >> 4), ac: usize::from(c[1] & 15) });
        }
        let rest = s.get(1 + 2 * count..1 + 2 * count + 3).ok_or_else(|| corrupt("short scan header"))?;
        self.spectral = (rest[0], rest[1], rest[2]);
        Ok(())
    }

    /// True when [`decode_scaled`] can decode the file: 8-bit Huffman
    /// baseline, grey or three components in one interleaved scan, sampling
    /// factors of 1 or 2, all tables present.
    pub fn is_simple_baseline(&self) -> bool {
        let components = self.components.len();
        let tables_present = self.scan.iter().all(|s| {
            s.dc < 4
                && s.ac < 4
                && self.dc_tables[s.dc].is_some()
                && self.ac_tables[s.ac].is_some()
                && self.quant[self.components[s.index].quant].is_some()
        });
        matches!(self.frame_kind, 0xC0 | 0xC1)
            && self.precision == 8
            && (components == 1 || components == 3)
            && self.scan.len() == components
            && self.spectral == (0, 63, 0)
            && tables_present
            // With factors of 1 or 2, every component spans a whole number of output pixels.
            && (components == 1 || self.components.iter().all(|c| c.h <= 2 && c.v <= 2))
    }

    fn max_sampling(&self) -> (u32, u32) {
        if self.components.len() == 1 {
            return (1, 1);
        }
        let h = self.components.iter().map(|c| c.h).max().unwrap_or(1);
        let v = self.components.iter().map(|c| c.v).max().unwrap_or(1);
        (h, v)
    }

    /// Three components stored as RGB rather than YCbCr (Adobe's transform
    /// flag 0, or components named R, G, B).
    fn is_rgb(&self) -> bool {
        let ids: Vec<u8> = self.components.iter().map(|c| c.id).collect();
        self.adobe_transform == Some(0) || ids == b"RGB"
    }

    /// Number of components (1 grey, 3 colour, 4 CMYK).
    pub fn component_count(&self) -> usize {
        self.components.len()
    }

    pub fn is_progressive(&self) -> bool {
        matches!(self.frame_kind, 0xC2 | 0xC6 | 0xCA | 0xCE)
    }

    /// True when an end-of-image marker follows the first scan. Entropy-coded
    /// data cannot contain one (a 0xFF there is always followed by 0x00 or a
    /// restart marker), so a file without one was cut short.
    pub fn has_end_marker(&self, bytes: &[u8]) -> bool {
        bytes[self.scan_start..].windows(2).any(|w| w == [0xFF, 0xD9])
    }
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
    let single = header.components.len() == 1;
    let mut planes: Vec<Plane> = header
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
            Plane {
                pixels: vec![0; plane_w * plane_h],
                kx,
                ky,
                rx: span_x / kx,
                ry: span_y / ky,
                h: h as usize,
                v: v as usize,
                idct: Idct::new(kx, ky),
                quant: header.quant[c.quant].expect("checked by is_simple_baseline"),
                dc: header.dc_tables[s.dc].clone().expect("checked by is_simple_baseline"),
                ac: header.ac_tables[s.ac].clone().expect("checked by is_simple_baseline"),
                predictor: 0,
            }
        })
        .collect();

    let mut bits = BitReader::new(&bytes[header.scan_start..]);
    let restart = usize::from(header.restart_interval);
    let mut block = Coefficients::default();
    let mut out = [0u8; 64];
    let mut until_restart = restart;
    for my in 0..mcus_y {
        for mx in 0..mcus_x {
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
    Ok(RgbImage::from_raw(out_w as u32, out_h as u32, rgb).expect("three bytes per pixel"))
}

/// JFIF's YCbCr to RGB, in 16.16 fixed point.
#[inline]
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let y = (i32::from(y) << 16) + (1 << 15);
    let (cb, cr) = (i32::from(cb) - 128, i32::from(cr) - 128);
    let clamp = |v: i32| (v >> 16).clamp(0, 255) as u8;
    [clamp(y + 91_881 * cr), clamp(y - 22_554 * cb - 46_802 * cr), clamp(y + 116_130 * cb)]
}

/// A block's non-zero coefficients, dequantized: (natural position, value),
/// the DC first. Blocks are sparse, so the IDCT works from this list.
struct Coefficients {
    position: [u8; 64],
    value: [f32; 64],
    len: usize,
}

impl Default for Coefficients {
    fn default() -> Coefficients {
        Coefficients { position: [0; 64], value: [0.0; 64], len: 0 }
    }
}

/// Decodes one block's coefficients.
#[inline]
fn decode_block(
    bits: &mut BitReader,
    dc: &Huffman,
    ac: &Huffman,
    quant: &[f32; 64],
    predictor: &mut i32,
    block: &mut Coefficients,
) -> Result<(), PhotoError> {
    bits.refill();
    let size = dc.decode(bits)?;
    if size > 11 {
        return Err(corrupt("invalid DC coefficient"));
    }
    let diff = bits.receive_extend(u32::from(size));
    *predictor = predictor.wrapping_add(diff);
    block.position[0] = 0;
    block.value[0] = *predictor as f32 * quant[0];
    let mut len = 1;
    let mut k = 1;
    while k < 64 {
        bits.refill();
        let fast = ac.fast_ac[bits.peek(LOOKAHEAD) as usize];
        if fast != 0 {
            bits.consume((fast & 15) as u32);
            let run = ((fast >> 4) & 15) as usize;
            if fast >> 8 == 0 {
                if run == 0 {
                    break;
                }
                k += 16;
                continue;
            }
            k += run;
            if k > 63 {
                return Err(corrupt("too many coefficients in a block"));
            }
            let natural = ZIGZAG[k & 63];
            block.position[len & 63] = natural as u8;
            block.value[len & 63] = f32::from(fast >> 8) * quant[natural];
            len += 1;
            k += 1;
            continue;
        }
        let symbol = ac.decode(bits)?;
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 {
            return Err(corrupt("too many coefficients in a block"));
        }
        let natural = ZIGZAG[k];
        block.position[len] = natural as u8;
        block.value[len] = bits.receive_extend(size) as f32 * quant[natural];
        len += 1;
        k += 1;
    }
    block.len = len;
    Ok(())
}

/// Output pixels at most for which the IDCT scatters each coefficient's
/// whole contribution (4x4); larger outputs go row by row.
const SCATTER_MAX: usize = 16;

/// The box-averaged IDCT to kx x ky outputs.
struct Idct {
    kx: usize,
    ky: usize,
    /// Columns: basis[c][x], the contribution of column frequency c to output column x.
    columns: [[f32; 8]; 8],
    /// Rows: basis[r][y].
    rows: [[f32; 8]; 8],
    /// For small outputs, each coefficient's contribution to every output
    /// pixel: scatter[position][y * kx + x].
    scatter: Option<Box<[[f32; SCATTER_MAX]; 64]>>,
}

impl Idct {
    fn new(kx: usize, ky: usize) -> Idct {
        let transpose = |k: usize| {
            let basis = box_idct(k);
            let mut t = [[0f32; 8]; 8];
            for (x, row) in basis.iter().enumerate() {
                for (u, &b) in row.iter().enumerate() {
                    t[u][x] = b;
                }
            }
            t
        };
        let (columns, rows) = (transpose(kx), transpose(ky));
        let scatter = (kx * ky <= SCATTER_MAX).then(|| {
            let mut table = Box::new([[0f32; SCATTER_MAX]; 64]);
            for (position, contributions) in table.iter_mut().enumerate() {
                let (r, c) = (position / 8, position % 8);
                for y in 0..ky {
                    for x in 0..kx {
                        contributions[y * kx + x] = rows[r][y] * columns[c][x];
                    }
                }
            }
            table
        });
        Idct { kx, ky, columns, rows, scatter }
    }

    /// out[y * kx + x] = 128 + sum of each coefficient times its basis
    /// averaged over output pixel (x, y)'s box.
    #[inline]
    fn apply(&self, block: &Coefficients, out: &mut [u8; 64]) {
        let n = self.kx * self.ky;
        let to_pixel = |v: f32| (v + 128.5).clamp(0.0, 255.0) as u8;
        if block.len == 1 {
            out[..n].fill(to_pixel(block.value[0] * self.rows[0][0] * self.columns[0][0]));
            return;
        }
        if let Some(scatter) = &self.scatter {
            // As many lanes as output pixels, so the loop is a few vector operations.
            match n {
                1 => scatter_into::<1>(block, scatter, out),
                2 => scatter_into::<2>(block, scatter, out),
                4 => scatter_into::<4>(block, scatter, out),
                8 => scatter_into::<8>(block, scatter, out),
                _ => scatter_into::<16>(block, scatter, out),
            }
            return;
        }
        // Rows of coefficients to rows of output columns, then down the rows.
        let mut tmp = [[0f32; 8]; 8];
        let mut used_rows = 0u8;
        for i in 0..block.len {
            let position = usize::from(block.position[i]);
            let (r, c, value) = (position / 8, position % 8, block.value[i]);
            used_rows |= 1 << r;
            for (t, b) in tmp[r].iter_mut().zip(&self.columns[c]) {
                *t += value * b;
            }
        }
        let mut acc = [[0f32; 8]; 8];
        for (r, row) in tmp.iter().enumerate() {
            if used_rows & (1 << r) == 0 {
                continue;
            }
            for (y, acc_row) in acc.iter_mut().enumerate().take(self.ky) {
                let weight = self.rows[r][y];
                for (a, t) in acc_row.iter_mut().zip(row) {
                    *a += weight * t;
                }
            }
        }
        for y in 0..self.ky {
            for x in 0..self.kx {
                out[y * self.kx + x] = to_pixel(acc[y][x]);
            }
        }
    }
}

#[inline(always)]
fn scatter_into<const N: usize>(block: &Coefficients, scatter: &[[f32; SCATTER_MAX]; 64], out: &mut [u8; 64]) {
    let mut acc = [128.5f32; N];
    for i in 0..block.len {
        let (value, contributions) = (block.value[i], &scatter[usize::from(block.position[i]) & 63]);
        for (a, c) in acc.iter_mut().zip(&contributions[..N]) {
            *a += value * c;
        }
    }
    for (o, a) in out[..N].iter_mut().zip(acc) {
        *o = a.clamp(0.0, 255.0) as u8;
    }
}

/// The k-point box-averaged IDCT basis: entry [x][u] is the mean of the
/// 8-point IDCT basis function u over the x-th of k equal boxes.
fn box_idct(k: usize) -> [[f32; 8]; 8] {
    let width = 8 / k;
    std::array::from_fn(|x| {
        std::array::from_fn(|u| {
            if x >= k {
                return 0.0;
            }
            let scale = if u == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
            let sum: f64 = (x * width..(x + 1) * width)
                .map(|p| 0.5 * scale * ((2 * p + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos())
                .sum();
            (sum / width as f64) as f32
        })
    })
}

/// Zigzag position to natural (row-major) position.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63,
];

const LOOKAHEAD: u32 = 9;

/// A Huffman table: a lookup of the first 9 bits for short codes, the
/// canonical limits for longer ones.
#[derive(Clone)]
struct Huffman {
    /// (code length << 8 | symbol), 0 when the code is longer than 9 bits.
    fast: Box<[u16; 1 << LOOKAHEAD]>,
    /// For AC tables, a run and value decoded together when the code and
    /// its value bits fit in 9: (value << 8 | run << 4 | bits used), 0 otherwise;
    /// value 0 is end of block (run 0) or sixteen zeros (run 15).
    fast_ac: Box<[i16; 1 << LOOKAHEAD]>,
    /// Largest code of each length, left-aligned to 16 bits, exclusive (0 = none).
    max_code: [u32; 18],
    /// Index of the first symbol of each length, minus its first code.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman, PhotoError> {
        let mut fast = Box::new([0u16; 1 << LOOKAHEAD]);
        let mut max_code = [0u32; 18];
        let mut offset = [0i32; 17];
        let mut code = 0u32;
        let mut index = 0usize;
        for len in 1..=16u32 {
            let count = u32::from(counts[len as usize - 1]);
            offset[len as usize] = index as i32 - code as i32;
            for _ in 0..count {
                if code >= 1 << len {
                    return Err(corrupt("invalid Huffman table"));
                }
                if len <= LOOKAHEAD {
                    let shift = LOOKAHEAD - len;
                    for fill in 0..1u32 << shift {
                        fast[((code << shift) | fill) as usize] = ((len as u16) << 8) | u16::from(symbols[index]);
                    }
                }
                code += 1;
                index += 1;
            }
            max_code[len as usize] = code << (16 - len);
            code <<= 1;
        }
        // Codes of 17 bits never match.
        max_code[17] = u32::MAX;
        let mut fast_ac = Box::new([0i16; 1 << LOOKAHEAD]);
        for (bits, entry) in fast.iter().enumerate() {
            let (len, symbol) = (u32::from(entry >> 8), (entry & 0xFF) as u32);
            let (run, size) = (symbol >> 4, symbol & 15);
            // End of block and a run of 16 zeros: a value of 0, which no coded value has.
            if len != 0 && size == 0 && (run == 0 || run == 15) {
                fast_ac[bits] = (run * 16 + len) as i16;
                continue;
            }
            if len == 0 || size == 0 || len + size > LOOKAHEAD {
                continue;
            }
            let raw = ((bits as u32) << len & ((1 << LOOKAHEAD) - 1)) >> (LOOKAHEAD - size);
            let value = if raw < 1 << (size - 1) { raw as i32 - (1 << size) + 1 } else { raw as i32 };
            if (-128..=127).contains(&value) {
                fast_ac[bits] = (value * 256 + (run * 16 + len + size) as i32) as i16;
            }
        }
        Ok(Huffman { fast, fast_ac, max_code, offset, symbols: symbols.to_vec() })
    }

    /// Decodes one symbol; the reader must hold at least 16 bits.
    #[inline(always)]
    fn decode(&self, bits: &mut BitReader) -> Result<u8, PhotoError> {
        let entry = self.fast[bits.peek(LOOKAHEAD) as usize];
        if entry != 0 {
            bits.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        self.decode_long(bits)
    }

    /// Codes longer than the lookup: rare, so kept out of the hot loop.
    #[cold]
    #[inline(never)]
    fn decode_long(&self, bits: &mut BitReader) -> Result<u8, PhotoError> {
        let code16 = bits.peek(16);
        let mut len = LOOKAHEAD as usize + 1;
        while len <= 16 && code16 >= self.max_code[len] {
            len += 1;
        }
        if len > 16 {
            return Err(corrupt("invalid Huffman code"));
        }
        let code = (code16 >> (16 - len)) as i32;
        bits.consume(len as u32);
        let index = usize::try_from(code + self.offset[len]).map_err(|_| corrupt("invalid Huffman code"))?;
        self.symbols.get(index).copied().ok_or_else(|| corrupt("invalid Huffman code"))
    }
}

/// Entropy-coded bits, MSB first, with byte stuffing removed. At a marker or
/// the end of the data it feeds zeros and remembers how many, so a decode
/// that needs them is known to have run past the data.
struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    /// Zero bits fed after the data ran out (at the bottom of `acc`).
    padding: u32,
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> BitReader<'a> {
        BitReader { data, pos: 0, acc: 0, count: 0, padding: 0, at_marker: false }
    }

    /// Makes sure at least 32 bits are buffered (a Huffman code and its
    /// value take at most 27), topping up to at least 57.
    #[inline]
    fn refill(&mut self) {
        if self.count >= 32 {
            return;
        }
        if !self.at_marker
            && let Some(chunk) = self.data.get(self.pos..self.pos + 8)
        {
            let word = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
            // No 0xFF byte: no stuffing or marker, take whole bytes at once.
            let inverted = !word;
            if (inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080) == 0 {
                let take = (64 - self.count) / 8;
                self.acc |= (word >> (64 - 8 * take)) << (64 - 8 * take - self.count);
                self.count += 8 * take;
                self.pos += take as usize;
                return;
            }
        }
        while self.count <= 56 {
            let byte = self.next_byte();
            self.acc |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
    }

    #[inline]
    fn next_byte(&mut self) -> u8 {
        if !self.at_marker {
            match self.data.get(self.pos) {
                Some(0xFF) => match self.data.get(self.pos + 1) {
                    Some(0x00) => {
                        self.pos += 2;
                        return 0xFF;
                    }
                    _ => self.at_marker = true,
                },
                Some(&byte) => {
                    self.pos += 1;
                    return byte;
                }
                None => self.at_marker = true,
            }
        }
        self.padding += 8;
        0
    }

    #[inline]
    fn peek(&self, n: u32) -> u32 {
        (self.acc >> (64 - n)) as u32
    }

    #[inline]
    fn consume(&mut self, n: u32) {
        self.acc <<= n;
        self.count -= n;
    }

    /// Reads `size` bits as a signed coefficient (JPEG's EXTEND).
    #[inline]
    fn receive_extend(&mut self, size: u32) -> i32 {
        if size == 0 {
            return 0;
        }
        let value = self.peek(size) as i32;
        self.consume(size);
        if value < 1 << (size - 1) { value - (1 << size) + 1 } else { value }
    }

    /// True when decoding consumed bits that were not in the data.
    fn overran(&self) -> bool {
        self.count < self.padding
    }

    /// Skips to just past the next restart marker and starts afresh.
    fn restart(&mut self) -> Result<(), PhotoError> {
        if self.overran() {
            return Err(ends_early());
        }
        while self.pos + 1 < self.data.len() {
            if self.data[self.pos] == 0xFF && !matches!(self.data[self.pos + 1], 0x00 | 0xFF) {
                if !(0xD0..=0xD7).contains(&self.data[self.pos + 1]) {
                    break;
                }
                self.pos += 2;
                self.acc = 0;
                self.count = 0;
                self.padding = 0;
                self.at_marker = false;
                return Ok(());
            }
            self.pos += 1;
        }
        Err(if self.pos + 1 >= self.data.len() { ends_early() } else { corrupt("a restart marker is missing") })
    }
}
