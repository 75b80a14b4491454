//! A training snapshot: a whole [`Trainer`] as bytes (weights, masks, optimizer moments, step,
//! epoch, place in it), so a run resumed from it takes the very steps the uninterrupted run takes.
//! Layout (little-endian): `SHRKSNAP`, version u32, CRC-32 of the payload u32 (catches every
//! flipped bit), payload length u64, payload = a Shrink model file (model_file.rs; dense, exact
//! bits) plus tensors `optimizer.<l>.{m_w,m_b,v_w,v_b}` and metadata `shrink.training`.

use super::meta::{FileInfo, FileMeta, Storage, FORMAT, FORMAT_VERSION};
use super::model_file;
use super::tensors::{self, check_finite, Archive, Tensors, MAX_FILE_BYTES, META_KEY};
use crate::error::{bad_data, Error, Result};
use crate::model::Mlp;
use crate::train::{Moments, OptimizerKind, RunState, TrainConfig, Trainer};
use crate::version::Model;
use ndarray::{Array, Array1, Array2, Dimension};
use serde::{Deserialize, Serialize};

/// The first eight bytes of every snapshot.
pub const MAGIC: &[u8; 8] = b"SHRKSNAP";
/// The layout this build writes and reads.
pub const VERSION: u32 = 1;
/// Magic, version, checksum and payload length.
const HEADER_BYTES: usize = 24;
/// The metadata entry that holds [`TrainingMeta`].
const TRAINING_KEY: &str = "shrink.training";
/// Largest payload read: weights and two moments of the largest model, plus headers.
pub const MAX_SNAPSHOT_BYTES: usize = 3 * MAX_FILE_BYTES;

/// What the payload says about the run besides its tensors.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrainingMeta {
    /// The settings the run was trained with, as the session holds them (compared as JSON, so
    /// no float goes through a decimal round trip).
    config: serde_json::Value,
    /// Steps the optimizer took (Adam's bias correction).
    optimizer_steps: u32,
    run: RunState,
}

/// The snapshot of `trainer`; `info` names the model in its model-file part.
///
/// # Errors
/// `BadData` if a weight or a moment is not finite (a diverged run is not worth keeping: the
/// trainer restores its last good weights first) or an array is not contiguous.
pub fn write(trainer: &Trainer, info: &FileInfo) -> Result<Vec<u8>> {
    let mlp = &trainer.mlp;
    let moments = trainer.opt.moments();
    let mut ar = Archive::new();
    let layers = super::float_layers::write_exact(mlp, &mut ar)?;
    for (l, d) in mlp.layers.iter().enumerate() {
        check_finite(&format!("layers.{l}.weight"), as_slice(d.w.as_slice())?)?;
        check_finite(&format!("layers.{l}.bias"), as_slice(d.b.as_slice())?)?;
    }
    let second = !moments.v_w.is_empty();
    for l in 0..mlp.layers.len() {
        put(&mut ar, format!("optimizer.{l}.m_w"), &moments.m_w[l])?;
        put(&mut ar, format!("optimizer.{l}.m_b"), &moments.m_b[l])?;
        if second {
            put(&mut ar, format!("optimizer.{l}.v_w"), &moments.v_w[l])?;
            put(&mut ar, format!("optimizer.{l}.v_b"), &moments.v_b[l])?;
        }
    }
    let model_meta = FileMeta {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        info: info.clone(),
        storage: Storage::Float,
        sizes: mlp.sizes(),
        layers,
        quantized: None,
    };
    let training = TrainingMeta {
        config: config_json(&trainer.cfg)?,
        optimizer_steps: moments.t,
        run: trainer.run_state(),
    };
    let payload = ar.serialize_with(vec![
        (META_KEY.to_string(), json(&model_meta)?),
        (TRAINING_KEY.to_string(), json(&training)?),
    ])?;
    Ok(seal(&payload))
}

/// The trainer a snapshot holds, checked against the session it is restored into: the same
/// settings `cfg` (the run must be the same run) and `n_train` training examples.
///
/// # Errors
/// `BadData` naming the fault: not a snapshot, another version, truncated or padded, a
/// checksum that does not match (a flipped bit anywhere), then everything a model file is
/// checked for, then other settings, another data size, or a state that does not fit its model.
pub fn read(bytes: &[u8], cfg: &TrainConfig, n_train: usize) -> Result<Trainer> {
    let payload = open(bytes)?;
    let t = tensors::open_within(payload, MAX_SNAPSHOT_BYTES)?;
    let Model::Float(mlp) = model_file::read(&t)?.model else {
        return Err(bad_data!(SnapshotNotFloat));
    };
    let json = t
        .meta(TRAINING_KEY)
        .ok_or_else(|| bad_data!(SnapshotNoState))?;
    let meta: TrainingMeta = serde_json::from_str(json).map_err(|e| {
        if e.is_data() {
            bad_data!(MetadataMalformed, detail = e)
        } else {
            bad_data!(MetadataNotJson, detail = e)
        }
    })?;
    if meta.config != config_json(cfg)? {
        return Err(bad_data!(SnapshotSettings));
    }
    let spec = cfg.spec();
    if (mlp.n_in(), mlp.n_out()) != (spec.n_in, spec.n_out) {
        return Err(bad_data!(
            SnapshotModelShape,
            n_in = mlp.n_in(),
            n_out = mlp.n_out(),
            want_in = spec.n_in,
            want_out = spec.n_out
        ));
    }
    let moments = read_moments(&t, &mlp, cfg.optimizer, meta.optimizer_steps)?;
    Trainer::resume(cfg.clone(), mlp, moments, &meta.run, n_train)
}

/// The payload of a sealed snapshot, after checking its header and checksum.
fn open(bytes: &[u8]) -> Result<&[u8]> {
    let header = bytes
        .get(..HEADER_BYTES)
        .ok_or_else(|| bad_data!(SnapshotTooShort, bytes = bytes.len()))?;
    let (magic, rest) = header.split_at(8);
    if magic != MAGIC {
        return Err(bad_data!(SnapshotMagic));
    }
    let word = |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
    let version = word(0);
    if version != VERSION {
        return Err(bad_data!(
            SnapshotVersion,
            version = version,
            supported = VERSION
        ));
    }
    let crc = word(4);
    let len = u64::from(word(8)) | (u64::from(word(12)) << 32);
    let payload = &bytes[HEADER_BYTES..];
    if len != payload.len() as u64 {
        return Err(bad_data!(
            SnapshotLength,
            need = len.saturating_add(HEADER_BYTES as u64),
            bytes = bytes.len()
        ));
    }
    if checksum(payload) != crc {
        return Err(bad_data!(SnapshotChecksum));
    }
    Ok(payload)
}

/// The header (with the payload's length and checksum) followed by the payload.
fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn checksum(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// The optimizer's moments for `mlp`: the first moment always, the second for Adam.
fn read_moments(t: &Tensors, mlp: &Mlp, kind: OptimizerKind, steps: u32) -> Result<Moments> {
    let mut m = Moments {
        t: steps,
        ..Default::default()
    };
    let adam = kind == OptimizerKind::Adam;
    for (l, d) in mlp.layers.iter().enumerate() {
        let (n_out, n_in) = d.w.dim();
        let w = |name: &str| -> Result<Array2<f32>> {
            let v = t.f32(&format!("optimizer.{l}.{name}"), &[n_out, n_in])?;
            Array2::from_shape_vec((n_out, n_in), v)
                .map_err(|_| Error::shape("snapshot moments", (n_out, n_in), "other"))
        };
        let b = |name: &str| -> Result<Array1<f32>> {
            Ok(Array1::from(
                t.f32(&format!("optimizer.{l}.{name}"), &[n_out])?,
            ))
        };
        m.m_w.push(w("m_w")?);
        m.m_b.push(b("m_b")?);
        if adam {
            m.v_w.push(w("v_w")?);
            m.v_b.push(b("v_b")?);
        }
    }
    Ok(m)
}

/// The settings as JSON (the form in which two of them are compared).
fn config_json(cfg: &TrainConfig) -> Result<serde_json::Value> {
    serde_json::to_value(cfg).map_err(|e| Error::data(format!("cannot write the settings: {e}")))
}

/// Appends an array with its shape, refusing a value that is not finite.
fn put<D: Dimension>(ar: &mut Archive, name: String, a: &Array<f32, D>) -> Result<()> {
    let values = as_slice(a.as_slice())?;
    check_finite(&name, values)?;
    ar.f32(name, a.shape().to_vec(), values);
    Ok(())
}

fn as_slice(values: Option<&[f32]>) -> Result<&[f32]> {
    values.ok_or_else(|| Error::data("a snapshot array is not contiguous"))
}

/// JSON text of the metadata.
fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::data(format!("cannot write the metadata: {e}")))
}

/// Fuzz entry points: plain `fn(&[u8])`, never panicking.
pub mod fuzz {
    use super::*;

    /// `payload` sealed as a snapshot (a valid header and checksum), so mutations of the
    /// payload reach the checks behind the checksum.
    pub fn sealed(payload: &[u8]) -> Vec<u8> {
        seal(payload)
    }

    /// The payload of a valid snapshot.
    ///
    /// # Errors
    /// As [`read`]'s header checks.
    pub fn payload(bytes: &[u8]) -> Result<Vec<u8>> {
        open(bytes).map(<[u8]>::to_vec)
    }
}
