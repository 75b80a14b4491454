//! Shared fixtures of the fuzz targets: a tiny synthetic dataset and a tiny trained model, built
//! once per process.

use shrink::data::Dataset;
use shrink::model::Mlp;
use shrink::train::{TrainConfig, Trainer};
use std::sync::OnceLock;

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

pub fn tiny_data() -> &'static (Dataset, Dataset) {
    static D: OnceLock<(Dataset, Dataset)> = OnceLock::new();
    D.get_or_init(|| (Dataset::synthetic(48), Dataset::synthetic(20)))
}

pub fn tiny_model() -> &'static Mlp {
    static M: OnceLock<Mlp> = OnceLock::new();
    M.get_or_init(|| {
        let (train, _) = tiny_data();
        let cfg = TrainConfig {
            hidden: vec![12, 8],
            batch_size: 16,
            epochs: 1,
            ..Default::default()
        };
        let mut t = Trainer::new(cfg, train.len()).unwrap();
        t.run_epoch(train).unwrap();
        t.mlp
    })
}
