//! Honest storage sizes, counted as Deep Compression counts them (Han et al. 2016, §2, §4):
//! kept weights × bits per code, plus the sparse index as relative gaps of `index_bits` bits
//! (a gap too long for one symbol spends an escape symbol, like the paper's filler zeros), plus
//! codebooks, scales and zero points, plus biases in fp32. Huffman coding replaces the fixed
//! widths of the codes and gaps by their optimal prefix-code lengths, tables included.

use super::huffman;

/// Relative-index symbols of one layer's kept positions (row-major): each kept weight emits
/// its gap to the previous kept one; gaps ≥ 2^index_bits − 1 first emit escape symbols
/// (value 2^index_bits − 1, meaning "skip that many positions, no weight here").
pub fn gap_symbols(mask: &[f32], index_bits: u32) -> Vec<u32> {
    let esc = (1u32 << index_bits.clamp(1, 16)) - 1;
    let mut out = Vec::new();
    let mut gap = 0u32;
    for &m in mask {
        if m != 0.0 {
            while gap >= esc {
                out.push(esc);
                gap -= esc;
            }
            out.push(gap);
            gap = 0;
        } else {
            gap += 1;
        }
    }
    out
}

/// What a layer's storage is made of, in bits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LayerBits {
    /// Weight codes (fixed width or Huffman-coded).
    pub codes: u64,
    /// Sparse index (0 when stored densely).
    pub index: u64,
    /// Codebook, scales, zero points, Huffman tables.
    pub overhead: u64,
    /// Biases in fp32.
    pub bias: u64,
}

impl LayerBits {
    /// Sum of the parts.
    pub fn total(&self) -> u64 {
        self.codes + self.index + self.overhead + self.bias
    }
}

/// Bits of a layer stored densely: every weight (zeros included) as a `bits`-bit code.
pub fn dense_layer(n_weights: usize, n_bias: usize, bits: u32, overhead: u64) -> LayerBits {
    LayerBits {
        codes: n_weights as u64 * u64::from(bits),
        index: 0,
        overhead,
        bias: 32 * n_bias as u64,
    }
}

/// Bits of a layer stored sparsely: kept weights as `bits`-bit codes plus the gap index;
/// with `huffman`, both streams are Huffman-coded (`symbols` are the kept weights' codes,
/// alphabet `2^bits`) and the two code tables are added.
pub fn sparse_layer(
    symbols: &[u32],
    bits: u32,
    mask: &[f32],
    index_bits: u32,
    n_bias: usize,
    overhead: u64,
    huffman: bool,
) -> LayerBits {
    let gaps = gap_symbols(mask, index_bits);
    let (codes, index, tables) = if huffman {
        let alpha_w = 1usize << bits.min(16);
        let alpha_i = 1usize << index_bits.min(16);
        let fw = huffman::frequencies(symbols.iter().map(|&s| s as usize), alpha_w);
        let fi = huffman::frequencies(gaps.iter().map(|&s| s as usize), alpha_i);
        (
            huffman::coded_bits(&fw),
            huffman::coded_bits(&fi),
            huffman::table_bits(alpha_w) + huffman::table_bits(alpha_i),
        )
    } else {
        (
            symbols.len() as u64 * u64::from(bits),
            gaps.len() as u64 * u64::from(index_bits),
            0,
        )
    };
    LayerBits {
        codes,
        index,
        overhead: overhead + tables,
        bias: 32 * n_bias as u64,
    }
}

/// Bytes for a bit count (rounded up).
pub fn bytes(bits: u64) -> usize {
    bits.div_ceil(8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_with_escapes() {
        // Kept at 0, 2, 12 with 2-bit gaps (escape = 3): 0 | 1 | 9 = 3+3+3+0.
        let mut m = vec![0.0; 13];
        for p in [0, 2, 12] {
            m[p] = 1.0;
        }
        assert_eq!(gap_symbols(&m, 2), vec![0, 1, 3, 3, 3, 0]);
        let l = sparse_layer(&[1, 2, 3], 4, &m, 2, 1, 0, false);
        assert_eq!(l.codes, 12);
        assert_eq!(l.index, 12);
        assert_eq!(l.total(), 12 + 12 + 32);
    }

    #[test]
    fn huffman_never_loses_against_fixed_width_on_skewed_codes() {
        let symbols: Vec<u32> = (0..1000).map(|i| if i % 10 == 0 { 3 } else { 7 }).collect();
        let mask = vec![1.0; 1000];
        let fixed = sparse_layer(&symbols, 4, &mask, 4, 0, 0, false);
        let huff = sparse_layer(&symbols, 4, &mask, 4, 0, 0, true);
        assert!(huff.codes < fixed.codes && huff.index < fixed.index);
    }
}
