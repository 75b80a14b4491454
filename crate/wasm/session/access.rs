//! The `pub(crate)` accessors through which a compression lab (`crate/wasm/<method>.rs`, taking
//! `&Session` or `&mut Session`) reaches the model, the trainer and the data. A lab that changes
//! the model's shape or masks calls `trainer_mut()?.model_changed()` afterwards.

use super::Session;
use crate::data::Dataset;
use crate::error::Missing;
use crate::error::{Error, Result};
use crate::model::Mlp;
use crate::train::{TrainConfig, Trainer};
use crate::version::Store;

/// Accessors for the compression labs (`crate/wasm/<method>.rs`). Some are unused until the
/// labs land, hence the `allow`.
#[allow(dead_code)]
impl Session {
    /// The current settings.
    pub(crate) fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// The model being trained.
    ///
    /// # Errors
    /// `NotReady` before the training data is loaded.
    pub(crate) fn model(&self) -> Result<&Mlp> {
        self.trainer
            .as_ref()
            .map(|t| &t.mlp)
            .ok_or(Error::NotReady {
                what: Missing::NoModelYetLoadTheTrainingDataFirst,
            })
    }

    /// The model, mutably (a lab that changes its shape or masks must then call
    /// `trainer_mut()?.model_changed()`).
    ///
    /// # Errors
    /// As [`Session::model`].
    pub(crate) fn model_mut(&mut self) -> Result<&mut Mlp> {
        Ok(&mut self.trainer_mut()?.mlp)
    }

    /// The trainer (model, optimizer state, settings).
    ///
    /// # Errors
    /// As [`Session::model`].
    pub(crate) fn trainer_mut(&mut self) -> Result<&mut Trainer> {
        self.trainer.as_mut().ok_or(Error::NotReady {
            what: Missing::NoModelYetLoadTheTrainingDataFirst,
        })
    }

    /// The 60,000 training digits.
    ///
    /// # Errors
    /// `NotReady` before they are loaded.
    pub(crate) fn train_data(&self) -> Result<&Dataset> {
        self.train.as_ref().ok_or(Error::NotReady {
            what: Missing::TheTrainingDataIsNotLoadedYet,
        })
    }

    /// The 10,000 test digits.
    ///
    /// # Errors
    /// `NotReady` before they are loaded.
    pub(crate) fn test_data(&self) -> Result<&Dataset> {
        self.test.as_ref().ok_or(Error::NotReady {
            what: Missing::TheTestDataIsNotLoadedYet,
        })
    }

    /// The trainer together with both datasets, for labs that fine-tune (borrowing them one
    /// by one through `&mut self` would not compile). The test set is `None` until loaded.
    ///
    /// # Errors
    /// `NotReady` before the training data is loaded.
    pub(crate) fn train_parts(&mut self) -> Result<(&mut Trainer, &Dataset, Option<&Dataset>)> {
        let not_ready = Error::NotReady {
            what: Missing::LoadTheTrainingDataFirst,
        };
        match (self.trainer.as_mut(), self.train.as_ref()) {
            (Some(t), Some(d)) => Ok((t, d, self.test.as_ref())),
            _ => Err(not_ready),
        }
    }

    /// The trainer with both datasets, the test set required: for labs that fine-tune and
    /// then evaluate.
    ///
    /// # Errors
    /// `NotReady` before the training or the test data is loaded.
    pub(crate) fn lab_parts(&mut self) -> Result<(&mut Trainer, &Dataset, &Dataset)> {
        let (trainer, train, test) = self.train_parts()?;
        let test = test.ok_or(Error::NotReady {
            what: Missing::TheTestDataIsNotLoadedYet,
        })?;
        Ok((trainer, train, test))
    }

    /// The version store.
    pub(crate) fn versions(&self) -> &Store {
        &self.versions
    }

    /// The version store, mutably.
    pub(crate) fn versions_mut(&mut self) -> &mut Store {
        &mut self.versions
    }

    /// The version the model in the trainer came from (None: trained in this session).
    pub(crate) fn input(&self) -> Option<u32> {
        self.input
    }

    /// Records which version the trainer's model came from.
    pub(crate) fn set_input(&mut self, id: Option<u32>) {
        self.input = id;
    }

    /// Mini-batches the trainer has taken (0 without a model).
    pub(crate) fn steps_done(&self) -> u64 {
        self.trainer.as_ref().map_or(0, Trainer::steps)
    }
}
