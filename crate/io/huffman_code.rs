//! Canonical Huffman codes (Huffman 1952; canonical form as in DEFLATE, RFC 1951 §3.2.2): the
//! code is rebuilt from the code lengths alone, so a file stores one length byte per symbol and
//! the coded stream, Σ f_s·len_s bits — exactly what `quantize::huffman` counts as the size.
//! Decoding walks the lengths in order: a code of length L is `first[L] + rank`.

use super::bits::{BitReader, BitWriter};
use crate::compress::quantize::huffman;
use crate::error::{bad_data, Error, Result};

/// Longest code we write or accept (frequencies from a ≤ 12 M-weight model stay far below).
pub const MAX_CODE_LEN: u32 = 48;

/// Canonical codes for `lengths` (0 = unused symbol): (code, length) per symbol.
fn canonical(lengths: &[u8]) -> Result<Vec<(u64, u32)>> {
    let max = lengths.iter().copied().max().unwrap_or(0) as usize;
    if max as u32 > MAX_CODE_LEN {
        return Err(bad_data!(
            HuffmanLengthTooLong,
            bits = max,
            max = MAX_CODE_LEN
        ));
    }
    let mut count = vec![0u64; max + 1];
    lengths
        .iter()
        .filter(|&&l| l > 0)
        .for_each(|&l| count[usize::from(l)] += 1);
    // Kraft: Σ 2^−L ≤ 1, or the lengths are not a prefix code.
    let mut next = vec![0u64; max + 2];
    let mut code = 0u64;
    for len in 1..=max {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
        if count[len] > 0 && code + count[len] > (1u64 << len) {
            return Err(bad_data!(HuffmanNotPrefix));
        }
    }
    Ok(lengths
        .iter()
        .map(|&l| {
            let l = usize::from(l);
            if l == 0 {
                return (0, 0);
            }
            let c = next[l];
            next[l] += 1;
            (c, l as u32)
        })
        .collect())
}

/// Lengths (one byte per symbol of an `alphabet`-symbol alphabet) for the stream `symbols`.
///
/// # Errors
/// `BadData` if a code would be longer than [`MAX_CODE_LEN`].
pub fn lengths_for(symbols: &[u32], alphabet: usize) -> Result<Vec<u8>> {
    let freqs = huffman::frequencies(symbols.iter().map(|&s| s as usize), alphabet);
    huffman::code_lengths(&freqs)
        .into_iter()
        .map(|l| {
            u8::try_from(l)
                .ok()
                .filter(|&l| u32::from(l) <= MAX_CODE_LEN)
                .ok_or_else(|| Error::data("a Huffman code would be too long"))
        })
        .collect()
}

/// Writes `symbols` with the canonical code of `lengths`, most significant code bit first.
///
/// # Errors
/// `BadData` if a symbol has no code.
pub fn encode(symbols: &[u32], lengths: &[u8], out: &mut BitWriter) -> Result<()> {
    let codes = canonical(lengths)?;
    for &s in symbols {
        let &(code, len) = codes
            .get(s as usize)
            .filter(|c| c.1 > 0)
            .ok_or_else(|| Error::data(format!("symbol {s} has no Huffman code")))?;
        for i in (0..len).rev() {
            out.push_bit((code >> i) & 1 == 1);
        }
    }
    Ok(())
}

/// Reads `n` symbols coded with the canonical code of `lengths`.
///
/// # Errors
/// `BadData` for bad lengths, a bit pattern that is no code, or a stream that ends early.
pub fn decode(n: usize, lengths: &[u8], input: &mut BitReader) -> Result<Vec<u32>> {
    let codes = canonical(lengths)?;
    let max = codes.iter().map(|c| c.1).max().unwrap_or(0) as usize;
    // Per length: the first code and the symbols in canonical order.
    let mut by_len: Vec<Vec<u32>> = vec![Vec::new(); max + 1];
    let mut first = vec![u64::MAX; max + 1];
    for (s, &(code, len)) in codes.iter().enumerate() {
        if len > 0 {
            let l = len as usize;
            first[l] = first[l].min(code);
            by_len[l].push(s as u32);
        }
    }
    let mut out = Vec::with_capacity(n.min(1 << 24));
    for _ in 0..n {
        let mut code = 0u64;
        let mut found = None;
        for len in 1..=max {
            code = (code << 1) | u64::from(input.bit()?);
            let syms = &by_len[len];
            if !syms.is_empty() && code >= first[len] && code - first[len] < syms.len() as u64 {
                found = syms.get((code - first[len]) as usize).copied();
                break;
            }
        }
        out.push(found.ok_or_else(|| bad_data!(HuffmanUnknownCode))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Fault;

    #[test]
    fn round_trip_and_size_equals_the_counted_bits() {
        let symbols: Vec<u32> = (0..1000u32)
            .map(|i| [0, 0, 0, 1, 1, 2, 3, 7][(i % 8) as usize])
            .collect();
        let lengths = lengths_for(&symbols, 8).unwrap();
        let mut w = BitWriter::new();
        encode(&symbols, &lengths, &mut w).unwrap();
        let freqs = huffman::frequencies(symbols.iter().map(|&s| s as usize), 8);
        assert_eq!(w.bit_len(), huffman::coded_bits(&freqs));
        let bytes = w.into_bytes();
        let back = decode(
            symbols.len(),
            &lengths,
            &mut BitReader::new(&bytes, Fault::CodeStreamEnds),
        )
        .unwrap();
        assert_eq!(back, symbols);
    }

    #[test]
    fn single_symbol_and_bad_tables() {
        let lengths = lengths_for(&[4, 4, 4], 8).unwrap();
        let mut w = BitWriter::new();
        encode(&[4, 4, 4], &lengths, &mut w).unwrap();
        let bytes = w.into_bytes();
        assert_eq!(
            decode(
                3,
                &lengths,
                &mut BitReader::new(&bytes, Fault::CodeStreamEnds)
            )
            .unwrap(),
            vec![4, 4, 4]
        );
        assert!(decode(
            1,
            &[1, 1, 1],
            &mut BitReader::new(&[0], Fault::CodeStreamEnds)
        )
        .is_err());
        assert!(decode(
            9,
            &lengths,
            &mut BitReader::new(&bytes, Fault::CodeStreamEnds)
        )
        .is_err());
    }
}
