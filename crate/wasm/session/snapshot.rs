//! Crash recovery: the page keeps the last training snapshot as bytes (crate/io/snapshot.rs:
//! the weights, masks, optimizer moments, step, epoch and place in it) and gives it back to a
//! new worker after the old one died, so a trap or a killed worker costs the learner nothing
//! they trained, and Play continues the very run the crash interrupted.

use super::{Info, JsResult, Session};
use crate::io::{snapshot, FileInfo};
use crate::train::Progress;
use crate::wasm::dto::{err, to_js};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What `restoreModel` reports: the session info and where the restored run stands.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Restored {
    #[serde(flatten)]
    info: Info,
    /// The run as its last chunk left it (epoch, place in it, step, loss, running accuracy).
    progress: Progress,
}

#[wasm_bindgen]
impl Session {
    /// The whole training state as snapshot bytes (a few milliseconds for LeNet-300-100).
    ///
    /// # Errors
    /// `not ready` before there is a model; `bad data` for non-finite weights or moments.
    #[wasm_bindgen(js_name = snapshotModel)]
    pub fn snapshot_model(&self) -> JsResult<Vec<u8>> {
        let trainer = self.trainer.as_ref().ok_or_else(|| {
            err(crate::Error::NotReady {
                what: crate::error::Missing::NoModelYetLoadTheTrainingDataFirst,
            })
        })?;
        let info = FileInfo {
            name: "snapshot".into(),
            seed: self.cfg.seed,
            ..Default::default()
        };
        snapshot::write(trainer, &info).map_err(err)
    }

    /// Replaces the trainer with the one a snapshot holds: the same weights, masks, optimizer
    /// moments, step, epoch and place in it, so Play continues the interrupted run exactly.
    /// Returns the session info with the restored run's `progress`.
    ///
    /// # Errors
    /// A corrupt, truncated or foreign snapshot (a typed fault, checksum included); one taken
    /// with other settings or on another training set; `not ready` without training data. The
    /// session is unchanged then.
    #[wasm_bindgen(js_name = restoreModel)]
    pub fn restore_model(&mut self, bytes: &[u8]) -> JsResult<JsValue> {
        let n = self.train_data().map_err(err)?.len();
        let trainer = snapshot::read(bytes, &self.cfg, n).map_err(err)?;
        let progress = trainer.progress();
        self.trainer = Some(trainer);
        self.input = None;
        to_js(&Restored {
            info: self.info_data(),
            progress,
        })
    }
}
