//! A parent version as a teacher: its logits z_t on every training example, computed once in
//! batches with its own kernel (so a pruned, quantized or binary parent teaches as it runs), for
//! the distillation loss α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE of Hinton et al.
//! (2015) while a step retrains its child.

use crate::compress::distill::student::TeacherLogits;
use crate::compress::Compressed;
use crate::data::batch::gather;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::model::Workspace;
use crate::version::model::Model;
use std::sync::Arc;

/// Rows per forward pass of the teacher.
const BATCH: usize = 500;

/// `model`'s logits for every example of `train`, `[n, classes]`.
///
/// # Errors
/// `ShapeMismatch` if the data width is not the model's input width or the logits are not
/// ten per row.
pub fn parent_logits(model: &Model, train: &Dataset) -> Result<TeacherLogits> {
    let classes = 10;
    let d = model.n_in();
    let mut ws = Workspace::default();
    let mut x = vec![0.0; BATCH * d];
    let mut y = vec![0u8; BATCH];
    let mut logits = Vec::with_capacity(train.len() * classes);
    let idx: Vec<u32> = (0..train.len() as u32).collect();
    for chunk in idx.chunks(BATCH) {
        let b = chunk.len();
        gather(train, chunk, &mut x[..b * d], &mut y[..b])?;
        let z = model.forward(&x[..b * d], b, &mut ws)?;
        if z.len() != b * classes {
            return Err(Error::shape("teacher logits", b * classes, z.len()));
        }
        logits.extend_from_slice(&z);
    }
    Ok(TeacherLogits {
        logits: Arc::new(logits),
        classes,
    })
}
