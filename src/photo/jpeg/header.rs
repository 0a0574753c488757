//! The markers before the first scan: frame, tables, restart interval, EXIF.

use super::entropy::Huffman;
use super::{PhotoError, ZIGZAG, corrupt, ends_early};

/// What the markers before the first scan say.
pub struct Header<'a> {
    pub width: u32,
    pub height: u32,
    /// Start-of-frame marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...
    pub frame_kind: u8,
    pub(super) precision: u8,
    pub(super) components: Vec<Component>,
    /// Components in the first scan, as indexes into `components`, with their tables.
    pub(super) scan: Vec<ScanComponent>,
    pub(super) spectral: (u8, u8, u8),
    pub(super) quant: [Option<[f32; 64]>; 4],
    pub(super) dc_tables: [Option<Huffman>; 4],
    pub(super) ac_tables: [Option<Huffman>; 4],
    pub(super) restart_interval: u16,
    pub(super) adobe_transform: Option<u8>,
    pub exif: Option<&'a [u8]>,
    /// Offset of the first scan's entropy-coded data.
    pub(super) scan_start: usize,
}

#[derive(Clone, Copy)]
pub(super) struct Component {
    pub(super) id: u8,
    pub(super) h: u32,
    pub(super) v: u32,
    pub(super) quant: usize,
}

#[derive(Clone, Copy)]
pub(super) struct ScanComponent {
    pub(super) index: usize,
    pub(super) dc: usize,
    pub(super) ac: usize,
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
            let counts = *s[1..].first_chunk::<16>().ok_or_else(|| corrupt("short Huffman table"))?;
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

    pub(super) fn max_sampling(&self) -> (u32, u32) {
        if self.components.len() == 1 {
            return (1, 1);
        }
        let h = self.components.iter().map(|c| c.h).max().unwrap_or(1);
        let v = self.components.iter().map(|c| c.v).max().unwrap_or(1);
        (h, v)
    }

    /// Three components stored as RGB rather than YCbCr (Adobe's transform
    /// flag 0, or components named R, G, B).
    pub(super) fn is_rgb(&self) -> bool {
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
