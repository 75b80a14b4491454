//! Huffman coding (Huffman 1952), the last stage of Deep Compression (Han et al. 2016):
//! optimal prefix-code lengths for the symbol frequencies, so the coded size Σ f_s·len_s is
//! minimal among prefix codes. Only lengths are needed to count the size honestly; the table
//! cost (one length byte per symbol) is counted too.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Code length in bits of every symbol (0 for symbols that never occur). One used symbol
/// still takes 1 bit per occurrence (a decoder must read something).
pub fn code_lengths(freqs: &[u64]) -> Vec<u32> {
    let mut lengths = vec![0u32; freqs.len()];
    let used: Vec<usize> = (0..freqs.len()).filter(|&s| freqs[s] > 0).collect();
    if used.len() == 1 {
        lengths[used[0]] = 1;
        return lengths;
    }
    // Nodes 0..n are leaves; merged nodes are appended with their parent link.
    let mut parent: Vec<usize> = vec![usize::MAX; freqs.len()];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> =
        used.iter().map(|&s| Reverse((freqs[s], s))).collect();
    while heap.len() > 1 {
        let (Some(Reverse((fa, a))), Some(Reverse((fb, b)))) = (heap.pop(), heap.pop()) else {
            break;
        };
        let node = parent.len();
        parent.push(usize::MAX);
        parent[a] = node;
        parent[b] = node;
        heap.push(Reverse((fa + fb, node)));
    }
    for &s in &used {
        let (mut d, mut n) = (0, s);
        while parent[n] != usize::MAX {
            n = parent[n];
            d += 1;
        }
        lengths[s] = d;
    }
    lengths
}

/// Bits to store the symbol stream with its Huffman code: Σ f_s·len_s.
pub fn coded_bits(freqs: &[u64]) -> u64 {
    code_lengths(freqs)
        .iter()
        .zip(freqs)
        .map(|(&l, &f)| u64::from(l) * f)
        .sum()
}

/// Bits for the code table: one 8-bit length per symbol of the alphabet (canonical Huffman
/// codes are rebuilt from the lengths alone).
pub fn table_bits(alphabet: usize) -> u64 {
    8 * alphabet as u64
}

/// Symbol frequencies of a stream over an alphabet of `alphabet` symbols.
pub fn frequencies(symbols: impl Iterator<Item = usize>, alphabet: usize) -> Vec<u64> {
    let mut f = vec![0u64; alphabet];
    for s in symbols {
        if let Some(c) = f.get_mut(s) {
            *c += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-worked: frequencies 45, 13, 12, 16, 9, 5 (CLRS 16.3) give lengths 1, 3, 3, 3, 4, 4
    /// and 224 bits in all, against 300 for a fixed 3-bit code.
    #[test]
    fn clrs_example_is_optimal() {
        let f = [45, 13, 12, 16, 9, 5];
        assert_eq!(code_lengths(&f), vec![1, 3, 3, 3, 4, 4]);
        assert_eq!(coded_bits(&f), 224);
    }

    #[test]
    fn kraft_equality_and_edge_cases() {
        let f = [1u64, 1, 2, 3, 5, 8, 13, 21, 0, 34];
        let l = code_lengths(&f);
        assert_eq!(l[8], 0);
        let kraft: f64 = l
            .iter()
            .filter(|&&x| x > 0)
            .map(|&x| 0.5f64.powi(x as i32))
            .sum();
        assert!((kraft - 1.0).abs() < 1e-12);
        assert_eq!(code_lengths(&[0, 7, 0]), vec![0, 1, 0]);
        assert_eq!(coded_bits(&[]), 0);
        assert_eq!(code_lengths(&[4, 4, 4, 4]), vec![2, 2, 2, 2]);
    }
}
