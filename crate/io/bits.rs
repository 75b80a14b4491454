//! Fixed-width bit streams: n-bit codes packed little-endian into bytes, so a 4-bit code costs
//! exactly 4 bits in the file (the "true packed bytes" of Deep Compression, Han et al. 2016, are
//! counted this way). Bit i of the stream is bit (i mod 8) of byte ⌊i/8⌋; the last byte is
//! zero-padded. The reader returns an error, never panics, when the stream runs out.

use crate::error::{Error, Fault, Result};

/// Appends codes of up to 32 bits to a byte buffer.
#[derive(Debug, Default, Clone)]
pub struct BitWriter {
    bytes: Vec<u8>,
    bits: u64,
}

impl BitWriter {
    /// An empty stream.
    pub fn new() -> Self {
        BitWriter::default()
    }

    /// Appends the low `width` bits of `value` (width ≤ 32).
    pub fn put(&mut self, value: u32, width: u32) {
        for i in 0..width.min(32) {
            self.push_bit((value >> i) & 1 == 1);
        }
    }

    /// Appends one bit.
    pub fn push_bit(&mut self, bit: bool) {
        let byte = (self.bits / 8) as usize;
        if byte == self.bytes.len() {
            self.bytes.push(0);
        }
        if bit {
            if let Some(b) = self.bytes.get_mut(byte) {
                *b |= 1 << (self.bits % 8);
            }
        }
        self.bits += 1;
    }

    /// Bits written so far.
    pub fn bit_len(&self) -> u64 {
        self.bits
    }

    /// The packed bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads codes back from a byte slice written by [`BitWriter`].
#[derive(Debug, Clone)]
pub struct BitReader<'a> {
    bytes: &'a [u8],
    pos: u64,
    /// The fault when the stream runs out (it names the stream).
    at_end: Fault,
}

impl<'a> BitReader<'a> {
    /// A reader over `bytes`; `at_end` is the error when it runs out (e.g.
    /// [`Fault::SparseIndexEnds`]).
    pub fn new(bytes: &'a [u8], at_end: Fault) -> Self {
        BitReader {
            bytes,
            pos: 0,
            at_end,
        }
    }

    /// The next bit.
    ///
    /// # Errors
    /// `BadData` when the stream is exhausted.
    pub fn bit(&mut self) -> Result<bool> {
        let byte = self
            .bytes
            .get((self.pos / 8) as usize)
            .ok_or_else(|| Error::bad(self.at_end, vec![]))?;
        let b = (byte >> (self.pos % 8)) & 1 == 1;
        self.pos += 1;
        Ok(b)
    }

    /// The next `width`-bit code (width ≤ 32).
    ///
    /// # Errors
    /// `BadData` when the stream is exhausted.
    pub fn get(&mut self, width: u32) -> Result<u32> {
        let mut v = 0u32;
        for i in 0..width.min(32) {
            if self.bit()? {
                v |= 1 << i;
            }
        }
        Ok(v)
    }
}

/// Bytes needed for `n` codes of `width` bits.
pub fn packed_len(n: usize, width: u32) -> usize {
    (n as u64 * u64::from(width)).div_ceil(8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_of_odd_widths_and_exhaustion() {
        let mut w = BitWriter::new();
        let vals = [5u32, 0, 7, 3, 1, 6, 2];
        vals.iter().for_each(|&v| w.put(v, 3));
        assert_eq!(w.bit_len(), 21);
        let bytes = w.into_bytes();
        assert_eq!(bytes.len(), packed_len(7, 3));
        let mut r = BitReader::new(&bytes, Fault::CodeStreamEnds);
        for &v in &vals {
            assert_eq!(r.get(3).unwrap(), v);
        }
        r.get(3).unwrap(); // the padding bits of the last byte
        assert!(r
            .get(3)
            .unwrap_err()
            .to_string()
            .contains("the code stream ends too early"));
    }
}
