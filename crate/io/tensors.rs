//! The safetensors container (Hugging Face safetensors: 8-byte little-endian header length,
//! a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
//! bytes). `Archive` collects named tensors for writing; `Tensors` reads them back with every
//! check a hostile file needs: the header size is bounded before it is parsed, and each tensor's
//! dtype and shape are compared with what the model's metadata says they must be.

use crate::error::bad_data;
use crate::error::{Error, Result};
use safetensors::{Dtype, SafeTensors, View};
use std::borrow::Cow;

/// Largest file we read: ~12 M parameters as f32 plus a generous header (the model limit).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Largest JSON header we parse.
pub const MAX_HEADER_BYTES: u64 = 1024 * 1024;
/// Metadata key that holds our JSON.
pub const META_KEY: &str = "shrink";

/// One tensor to write.
#[derive(Debug, Clone)]
pub struct Entry {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for &Entry {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

/// Named tensors on their way into a file.
#[derive(Debug, Default, Clone)]
pub struct Archive {
    entries: Vec<(String, Entry)>,
}

impl Archive {
    /// An empty archive.
    pub fn new() -> Self {
        Archive::default()
    }

    /// f32 values with a shape.
    pub fn f32(&mut self, name: String, shape: Vec<usize>, values: &[f32]) {
        // Fixed-size chunks rather than `flat_map(to_le_bytes)`: this compiles to a plain copy
        // on little-endian targets (wasm included), and a training snapshot writes ~2 MB of it
        // after every epoch.
        let mut bytes = vec![0u8; values.len() * 4];
        for (out, v) in bytes.chunks_exact_mut(4).zip(values) {
            out.copy_from_slice(&v.to_le_bytes());
        }
        self.raw(name, Dtype::F32, shape, bytes);
    }

    /// i32 values.
    pub fn i32(&mut self, name: String, values: &[i32]) {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw(name, Dtype::I32, vec![values.len()], bytes);
    }

    /// u32 values.
    pub fn u32(&mut self, name: String, values: &[u32]) {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw(name, Dtype::U32, vec![values.len()], bytes);
    }

    /// u16 values.
    pub fn u16(&mut self, name: String, values: &[u16]) {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.raw(name, Dtype::U16, vec![values.len()], bytes);
    }

    /// A byte stream (packed bits, lengths, int8 codes).
    pub fn bytes(&mut self, name: String, bytes: Vec<u8>) {
        let n = bytes.len();
        self.raw(name, Dtype::U8, vec![n], bytes);
    }

    /// Any tensor.
    pub fn raw(&mut self, name: String, dtype: Dtype, shape: Vec<usize>, bytes: Vec<u8>) {
        self.entries.push((
            name,
            Entry {
                dtype,
                shape,
                bytes,
            },
        ));
    }

    /// The file without metadata (as `safetensors.torch.save_file` writes a state_dict).
    ///
    /// # Errors
    /// `BadData` if safetensors refuses the tensors.
    pub fn serialize_plain(&self) -> Result<Vec<u8>> {
        safetensors::serialize(self.entries.iter().map(|(n, e)| (n.as_str(), e)), None)
            .map_err(|e| Error::data(format!("cannot write the safetensors file: {e}")))
    }

    /// The file: header (with `meta_json` under [`META_KEY`]) and data.
    ///
    /// # Errors
    /// `BadData` if safetensors refuses the tensors (it should not).
    pub fn serialize(&self, meta_json: String) -> Result<Vec<u8>> {
        self.serialize_with(vec![(META_KEY.to_string(), meta_json)])
    }

    /// The file with several metadata entries (key, JSON text).
    ///
    /// # Errors
    /// `BadData` if safetensors refuses the tensors (it should not).
    pub fn serialize_with(&self, meta: Vec<(String, String)>) -> Result<Vec<u8>> {
        let info = Some(meta.into_iter().collect());
        safetensors::serialize(self.entries.iter().map(|(n, e)| (n.as_str(), e)), info)
            .map_err(|e| Error::data(format!("cannot write the safetensors file: {e}")))
    }
}

/// A parsed file: its metadata map and its tensors, read with checks.
pub struct Tensors<'a> {
    st: SafeTensors<'a>,
    /// The `__metadata__` entries.
    pub meta: Vec<(String, String)>,
}

/// Parses the container, bounding the header before serde sees it.
///
/// # Errors
/// `BadData` in words for a truncated file, a header of gigabytes, bad JSON or offsets.
pub fn open(bytes: &[u8]) -> Result<Tensors<'_>> {
    open_within(bytes, MAX_FILE_BYTES)
}

/// [`open`] for a container of at most `max` bytes (a training snapshot holds the optimizer's
/// moments beside the weights, so it may be up to three times a model's size).
///
/// # Errors
/// As [`open`].
pub fn open_within(bytes: &[u8], max: usize) -> Result<Tensors<'_>> {
    if bytes.len() > max {
        return Err(bad_data!(FileTooLarge, bytes = bytes.len(), max = max));
    }
    let head: [u8; 8] = bytes
        .get(..8)
        .and_then(|h| h.try_into().ok())
        .ok_or_else(|| bad_data!(SafetensorsTooShort, bytes = bytes.len()))?;
    let n = u64::from_le_bytes(head);
    if n > MAX_HEADER_BYTES {
        return Err(bad_data!(
            SafetensorsHeaderTooLarge,
            bytes = n,
            max = MAX_HEADER_BYTES
        ));
    }
    if n + 8 > bytes.len() as u64 {
        return Err(bad_data!(
            SafetensorsTruncated,
            need = n + 8,
            bytes = bytes.len()
        ));
    }
    let (_, metadata) = SafeTensors::read_metadata(bytes)
        .map_err(|e| bad_data!(SafetensorsInvalidTruncated, detail = e))?;
    let meta = metadata
        .metadata()
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let st =
        SafeTensors::deserialize(bytes).map_err(|e| bad_data!(SafetensorsInvalid, detail = e))?;
    Ok(Tensors { st, meta })
}

impl<'a> Tensors<'a> {
    /// The metadata value under `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Tensor names.
    pub fn names(&self) -> Vec<String> {
        self.st.names().into_iter().map(str::to_string).collect()
    }

    /// True if the file has a tensor called `name`.
    pub fn has(&self, name: &str) -> bool {
        self.st.tensor(name).is_ok()
    }

    /// The raw view of `name`, checked to have `dtype` and, if given, `shape`.
    ///
    /// # Errors
    /// `BadData` naming the tensor, what it should be and what it is.
    pub fn view(
        &self,
        name: &str,
        dtype: Dtype,
        shape: Option<&[usize]>,
    ) -> Result<(Vec<usize>, &'a [u8])> {
        let t = self
            .st
            .tensor(name)
            .map_err(|_| bad_data!(TensorMissing, name = name))?;
        if t.dtype() != dtype {
            return Err(bad_data!(
                TensorDtype,
                name = name,
                dtype = format!("{:?}", t.dtype()),
                expected = format!("{dtype:?}")
            ));
        }
        if let Some(s) = shape {
            if t.shape() != s {
                return Err(bad_data!(
                    TensorShape,
                    name = name,
                    shape = format!("{:?}", t.shape()),
                    expected = format!("{s:?}")
                ));
            }
        }
        Ok((t.shape().to_vec(), t.data()))
    }

    /// Shape and bytes of `name`, whatever its dtype.
    ///
    /// # Errors
    /// `BadData` if it is missing.
    pub fn view_any(&self, name: &str) -> Result<(Vec<usize>, &'a [u8])> {
        let t = self
            .st
            .tensor(name)
            .map_err(|_| bad_data!(TensorMissing, name = name))?;
        Ok((t.shape().to_vec(), t.data()))
    }

    /// The dtype of `name`.
    ///
    /// # Errors
    /// `BadData` if it is missing.
    pub fn dtype(&self, name: &str) -> Result<Dtype> {
        Ok(self
            .st
            .tensor(name)
            .map_err(|_| bad_data!(TensorMissing, name = name))?
            .dtype())
    }

    /// f32 values of `name` with exactly `shape`, all finite.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype, shape or a NaN/infinite value.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let (_, data) = self.view(name, Dtype::F32, Some(shape))?;
        let v: Vec<f32> = data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        check_finite(name, &v)?;
        Ok(v)
    }

    /// i32 values of `name`, `n` of them.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype or length.
    pub fn i32(&self, name: &str, n: usize) -> Result<Vec<i32>> {
        let (_, data) = self.view(name, Dtype::I32, Some(&[n]))?;
        Ok(data
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// u32 values of `name`, `n` of them.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype or length.
    pub fn u32(&self, name: &str, n: usize) -> Result<Vec<u32>> {
        let (_, data) = self.view(name, Dtype::U32, Some(&[n]))?;
        Ok(data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// u16 values of `name`, `n` of them.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype or length.
    pub fn u16(&self, name: &str, n: usize) -> Result<Vec<u16>> {
        let (_, data) = self.view(name, Dtype::U16, Some(&[n]))?;
        Ok(data
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    /// A byte stream of exactly `n` bytes.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype or length.
    pub fn bytes(&self, name: &str, n: usize) -> Result<&'a [u8]> {
        Ok(self.view(name, Dtype::U8, Some(&[n]))?.1)
    }

    /// A byte stream of any length.
    ///
    /// # Errors
    /// `BadData` for a wrong dtype or rank.
    pub fn bytes_any(&self, name: &str) -> Result<&'a [u8]> {
        let (shape, data) = self.view(name, Dtype::U8, None)?;
        if shape.len() != 1 {
            return Err(bad_data!(TensorNot1d, name = name));
        }
        Ok(data)
    }
}

/// `BadData` naming the first value of tensor `name` that is NaN or infinite: a model file is
/// refused such a value when read, and a snapshot when written.
///
/// # Errors
/// `TensorNotFinite` with the value's 1-based index.
pub fn check_finite(name: &str, values: &[f32]) -> Result<()> {
    match values.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(bad_data!(
            TensorNotFinite,
            name = name,
            index = i + 1,
            value = values[i]
        )),
        None => Ok(()),
    }
}
