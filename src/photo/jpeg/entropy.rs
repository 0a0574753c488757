//! Entropy decoding: Huffman tables, the bit reader, and one block's
//! coefficients.

use super::{PhotoError, ZIGZAG, corrupt, ends_early};

/// A block's non-zero coefficients, dequantized: (natural position, value),
/// the DC first. Blocks are sparse, so the IDCT works from this list.
pub(super) struct Coefficients {
    pub(super) position: [u8; 64],
    pub(super) value: [f32; 64],
    pub(super) len: usize,
}

impl Default for Coefficients {
    fn default() -> Coefficients {
        Coefficients { position: [0; 64], value: [0.0; 64], len: 0 }
    }
}

/// Decodes one block's coefficients.
#[inline]
pub(super) fn decode_block(
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

const LOOKAHEAD: u32 = 9;

/// A Huffman table: a lookup of the first 9 bits for short codes, the
/// canonical limits for longer ones.
#[derive(Clone)]
pub(super) struct Huffman {
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
    pub(super) fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman, PhotoError> {
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
pub(super) struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    /// Zero bits fed after the data ran out (at the bottom of `acc`).
    padding: u32,
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    pub(super) fn new(data: &'a [u8]) -> BitReader<'a> {
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
            && let Some(chunk) = self.data.get(self.pos..).and_then(<[u8]>::first_chunk::<8>)
        {
            let word = u64::from_be_bytes(*chunk);
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
    pub(super) fn overran(&self) -> bool {
        self.count < self.padding
    }

    /// Skips to just past the next restart marker and starts afresh.
    pub(super) fn restart(&mut self) -> Result<(), PhotoError> {
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
