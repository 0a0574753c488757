//! The generator's one source of choices.

/// SplitMix64: tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as u64) as i64 }
    }

    /// True `p` times in a thousand.
    pub fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.per_mille(p * 10)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Like [`pick`](Self::pick), but the first items come up more often, as
    /// common surnames do.
    pub fn pick_common<T: Copy>(&mut self, items: &[T]) -> T {
        if self.percent(60) {
            return self.pick(items);
        }
        let u = self.below(1 << 16);
        items[((items.len() as u64 * u * u) >> 32) as usize]
    }

    /// `0..=max`, mostly small (recent days, short gaps).
    pub fn mostly_small(&mut self, max: i64) -> i64 {
        let u = self.below(1 << 16) as i64;
        (max * u / (1 << 16)) * u / (1 << 16)
    }

    pub fn weighted<T: Copy>(&mut self, choices: &[(u64, T)]) -> T {
        let total: u64 = choices.iter().map(|(w, _)| w).sum();
        let mut roll = self.below(total);
        for (weight, item) in choices {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        choices[choices.len() - 1].1
    }
}
