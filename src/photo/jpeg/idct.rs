//! The box-averaged inverse DCT: a block's coefficients to k x k output pixels.

use super::entropy::Coefficients;

/// Output pixels at most for which the IDCT scatters each coefficient's
/// whole contribution (4x4); larger outputs go row by row.
const SCATTER_MAX: usize = 16;

/// The box-averaged IDCT to kx x ky outputs.
pub(super) struct Idct {
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
    pub(super) fn new(kx: usize, ky: usize) -> Idct {
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
    pub(super) fn apply(&self, block: &Coefficients, out: &mut [u8; 64]) {
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
