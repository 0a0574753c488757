//! A set of list positions (ranks) as one bit each: what every filter term
//! of the customer index evaluates to, so that terms combine by `AND` over a
//! few thousand words and a count is a popcount.

/// Positions `0..len` of the customer list, each in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// No position.
    pub fn none(len: usize) -> Bits {
        Bits { words: vec![0; len.div_ceil(64)], len }
    }

    /// The positions `0..values.len()` whose value `holds` (given the
    /// position and the value): built a 64-bit word at a time, without a
    /// branch per value.
    pub fn from_column<T: Copy>(values: &[T], holds: impl Fn(usize, T) -> bool) -> Bits {
        let mut words = Vec::with_capacity(values.len().div_ceil(64));
        for (w, chunk) in values.chunks(64).enumerate() {
            let mut word = 0u64;
            for (i, &value) in chunk.iter().enumerate() {
                word |= u64::from(holds(w * 64 + i, value)) << i;
            }
            words.push(word);
        }
        Bits { words, len: values.len() }
    }

    pub fn set(&mut self, position: usize) {
        self.words[position / 64] |= 1 << (position % 64);
    }

    /// Keeps the positions both hold.
    pub fn and(&mut self, other: &Bits) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word &= theirs;
        }
    }

    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Up to `limit` positions in order, skipping the first `offset`: whole
    /// words are skipped by their popcount.
    pub fn page(&self, offset: u64, limit: u64) -> Vec<usize> {
        let mut skip = offset;
        let mut out = Vec::with_capacity(usize::try_from(limit.min(1024)).unwrap_or(0));
        for (i, &word) in self.words.iter().enumerate() {
            if out.len() as u64 >= limit {
                break;
            }
            let ones = u64::from(word.count_ones());
            if skip >= ones {
                skip -= ones;
                continue;
            }
            let mut rest = word;
            while rest != 0 && (out.len() as u64) < limit {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(i * 64 + bit);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersections_count_and_page() {
        let mut a = Bits::none(70);
        let mut b = Bits::none(70);
        for p in [1, 5, 69] {
            a.set(p);
        }
        for p in [5, 69, 3] {
            b.set(p);
        }
        a.and(&b);
        assert_eq!(a.count(), 2);
        assert_eq!(a.page(0, 10), vec![5, 69]);
    }

    #[test]
    fn pages_skip_whole_words_and_stop_at_the_limit() {
        let mut bits = Bits::none(300);
        for p in (0..300).filter(|p| p % 3 == 0) {
            bits.set(p);
        }
        assert_eq!(bits.count(), 100);
        assert_eq!(bits.page(0, 3), vec![0, 3, 6]);
        assert_eq!(bits.page(30, 2), vec![90, 93]);
        assert_eq!(bits.page(99, 10), vec![297]);
        assert!(bits.page(100, 10).is_empty());
        assert_eq!(bits.page(0, 1000).len(), 100);
    }
}
