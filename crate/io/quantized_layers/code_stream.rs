//! The code stream of one quantized layer: every weight's symbol at `bits` bits, row-major, plus
//! a mask bitmap when the layer is pruned; or, when that is smaller, only the kept weights'
//! symbols and a relative index of gaps between them at `index_bits` bits, a gap of 2^bits − 1
//! being an escape that skips that many positions and keeps none (Han et al. 2016, §2 stores the
//! index difference instead of the absolute position). Either stream may be Huffman-coded (§4).

use super::super::bits::{packed_len, BitReader, BitWriter};
use super::super::huffman_code;
use super::super::meta::{LayerMeta, Layout, QuantMeta};
use super::super::tensors::{Archive, Tensors};
use super::super::validate::{mask_from_bits, mask_to_bits};
use crate::compress::quantize::fixed_point::grid;
use crate::compress::quantize::packing::gap_symbols;
use crate::compress::quantize::{LayerCodes, QLayer, QuantizedMlp};
use crate::error::{bad_data, Error, Fault, Result};

/// Every weight's code symbol (row-major), as `packing` counts it.
fn symbols(l: &QLayer) -> Vec<u32> {
    match &l.codes {
        LayerCodes::Int { q, .. } => {
            let (q_min, _) = grid(l.bits);
            q.iter()
                .map(|&v| (i32::from(v) - q_min).max(0) as u32)
                .collect()
        }
        LayerCodes::Float { codes, format, .. } => codes
            .iter()
            .map(|&c| u32::from(c) & ((1u32 << format.bits()) - 1))
            .collect(),
        LayerCodes::Shared { book } => book.codes.iter().map(|&c| u32::from(c)).collect(),
    }
}

/// Appends layer `l`'s symbols to `ar` and records their layout in `m`; `sparse` stores a masked
/// layer as kept symbols + gap index.
///
/// # Errors
/// `BadData` if a code does not fit its width or a Huffman code would be too long.
pub(super) fn write(
    l: usize,
    layer: &QLayer,
    sparse: bool,
    q: &QuantizedMlp,
    ar: &mut Archive,
    m: &mut LayerMeta,
) -> Result<()> {
    let syms = symbols(layer);
    if let Some(s) = syms.iter().find(|&&s| s >= 1u32 << layer.bits.min(31)) {
        return Err(Error::data(format!(
            "layer {}: code {s} does not fit in {} bits",
            l + 1,
            layer.bits
        )));
    }
    let mask = layer.mask.as_ref().and_then(|m| m.as_slice());
    match mask {
        Some(mk) if sparse => {
            m.layout = Layout::SparseCodes;
            let kept: Vec<u32> = syms
                .iter()
                .zip(mk)
                .filter(|(_, &k)| k != 0.0)
                .map(|(&s, _)| s)
                .collect();
            let gaps = gap_symbols(mk, q.index_bits);
            m.kept = kept.len();
            m.index_symbols = gaps.len();
            let (mut cw, mut iw) = (BitWriter::new(), BitWriter::new());
            if q.huffman {
                let lc = huffman_code::lengths_for(&kept, 1 << layer.bits)?;
                let li = huffman_code::lengths_for(&gaps, 1 << q.index_bits)?;
                huffman_code::encode(&kept, &lc, &mut cw)?;
                huffman_code::encode(&gaps, &li, &mut iw)?;
                ar.bytes(format!("layers.{l}.code_lengths"), lc);
                ar.bytes(format!("layers.{l}.index_lengths"), li);
            } else {
                kept.iter().for_each(|&s| cw.put(s, layer.bits));
                gaps.iter().for_each(|&s| iw.put(s, q.index_bits));
            }
            ar.bytes(format!("layers.{l}.codes"), cw.into_bytes());
            ar.bytes(format!("layers.{l}.index"), iw.into_bytes());
        }
        _ => {
            let mut w = BitWriter::new();
            syms.iter().for_each(|&s| w.put(s, layer.bits));
            ar.bytes(format!("layers.{l}.codes"), w.into_bytes());
            if let Some(mk) = mask {
                ar.bytes(format!("layers.{l}.mask_bits"), mask_to_bits(mk));
            }
        }
    }
    Ok(())
}

/// The mask and every weight's symbol of layer `l` (pruned positions get `pruned_symbol(row)`).
pub(super) fn read(
    l: usize,
    m: &LayerMeta,
    qm: &QuantMeta,
    t: &Tensors,
    pruned_symbol: &dyn Fn(usize) -> u32,
) -> Result<(Vec<u32>, Option<Vec<f32>>)> {
    let n = m.n_in * m.n_out;
    match m.layout {
        Layout::DenseCodes => {
            let bytes = t.bytes(&format!("layers.{l}.codes"), packed_len(n, m.bits))?;
            let mut r = BitReader::new(bytes, Fault::CodeStreamEnds);
            let syms = (0..n).map(|_| r.get(m.bits)).collect::<Result<Vec<_>>>()?;
            let mask = if m.masked {
                Some(mask_from_bits(
                    t.bytes(&format!("layers.{l}.mask_bits"), n.div_ceil(8))?,
                    n,
                ))
            } else {
                None
            };
            Ok((syms, mask))
        }
        Layout::SparseCodes => {
            if m.kept > n || m.index_symbols > 2 * n + 1 {
                return Err(bad_data!(
                    SparseIndexCounts,
                    layer = l + 1,
                    kept = m.kept,
                    symbols = m.index_symbols,
                    count = n
                ));
            }
            let codes = t.bytes_any(&format!("layers.{l}.codes"))?;
            let index = t.bytes_any(&format!("layers.{l}.index"))?;
            let (mut cr, mut ir) = (
                BitReader::new(codes, Fault::CodeStreamEnds),
                BitReader::new(index, Fault::SparseIndexEnds),
            );
            let (kept, gaps) = if qm.huffman {
                let lc = t.bytes(&format!("layers.{l}.code_lengths"), 1 << m.bits)?;
                let li = t.bytes(&format!("layers.{l}.index_lengths"), 1 << qm.index_bits)?;
                (
                    huffman_code::decode(m.kept, lc, &mut cr)?,
                    huffman_code::decode(m.index_symbols, li, &mut ir)?,
                )
            } else {
                (
                    (0..m.kept)
                        .map(|_| cr.get(m.bits))
                        .collect::<Result<Vec<_>>>()?,
                    (0..m.index_symbols)
                        .map(|_| ir.get(qm.index_bits))
                        .collect::<Result<Vec<_>>>()?,
                )
            };
            let esc = (1u32 << qm.index_bits) - 1;
            let mut mask = vec![0f32; n];
            let mut syms: Vec<u32> = (0..n).map(|i| pruned_symbol(i / m.n_in.max(1))).collect();
            let (mut cursor, mut k) = (0usize, 0usize);
            for g in gaps {
                cursor += g as usize;
                if g == esc {
                    continue;
                }
                let (Some(slot), Some(&s)) = (mask.get_mut(cursor), kept.get(k)) else {
                    return Err(bad_data!(SparseIndexPastEnd, layer = l + 1));
                };
                *slot = 1.0;
                syms[cursor] = s;
                cursor += 1;
                k += 1;
            }
            if k != m.kept {
                return Err(bad_data!(
                    SparseIndexKept,
                    layer = l + 1,
                    found = k,
                    kept = m.kept
                ));
            }
            Ok((syms, Some(mask)))
        }
        other => Err(bad_data!(
            QuantizedLayout,
            layer = l + 1,
            layout = format!("{other:?}")
        )),
    }
}
