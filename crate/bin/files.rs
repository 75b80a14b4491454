//! `--load FILE` / `--save FILE` for every command, and `shrink export` / `shrink eval`: model
//! files in the Shrink format (safetensors + JSON metadata, `shrink::io`), PyTorch state_dicts
//! and ONNX MLPs are all read through the same checked loaders, so a bad file is an error in
//! words. `--scaling unit|mean-std` tells an import how its trainer scaled the pixels.

use crate::args::Args;
use shrink::compress::Compressed;
use shrink::data::Dataset;
use shrink::io::{self, FileInfo, InputScaling};
use shrink::model::Mlp;
use shrink::train::TrainConfig;
use shrink::version::Model;

fn e(err: impl std::fmt::Display) -> String {
    err.to_string()
}

/// The `--scaling` flag, if given.
pub fn scaling(a: &Args) -> Result<Option<InputScaling>, String> {
    match a.str("scaling") {
        None => Ok(None),
        Some("unit") | Some("255") => Ok(Some(InputScaling::Unit)),
        Some("mean-std") => Ok(Some(InputScaling::default())),
        Some(s) => Err(format!(
            "--scaling: unknown '{s}' (unit = p/255, mean-std = (p/255 − 0.1307)/0.3081)"
        )),
    }
}

/// Reads any model file: a Shrink file, a PyTorch state_dict (safetensors) or an ONNX MLP.
pub fn load_any(path: &str, a: &Args) -> Result<io::ModelFile, String> {
    let bytes = std::fs::read(path).map_err(|err| format!("--load {path}: {err}"))?;
    let imported =
        io::import::any(&bytes, scaling(a)?).map_err(|err| format!("--load {path}: {err}"))?;
    if let Some(note) = &imported.note {
        println!("{path}: {note}");
    }
    Ok(imported.file)
}

/// The float model a command starts from: `--load FILE`, or trained with the `train` flags.
pub fn start_model(
    a: &Args,
    cfg: &TrainConfig,
    train: &Dataset,
    test: &Dataset,
) -> Result<Mlp, String> {
    if let Some(path) = a.str("load") {
        let f = load_any(path, a)?;
        let Model::Float(mlp) = f.model else {
            return Err(format!("--load {path}: this command starts from a float model, and the file holds a quantized or binary one"));
        };
        let ev = mlp.evaluate(test, 0).map_err(e)?;
        println!(
            "loaded {path} ('{}', widths {:?}): test accuracy {:.2}%",
            f.info.name,
            mlp.sizes(),
            100.0 * ev.accuracy
        );
        return Ok(mlp);
    }
    Ok(crate::train::train_verbose(cfg.clone(), train, test)?.mlp)
}

/// Writes `model` to `--save FILE`, if asked.
pub fn save_if_asked(
    a: &Args,
    model: Model,
    name: &str,
    recipe: &str,
    seed: u64,
) -> Result<(), String> {
    let Some(path) = a.str("save") else {
        return Ok(());
    };
    let info = FileInfo {
        name: name.into(),
        recipe: recipe.into(),
        seed,
        input_scaling: InputScaling::default(),
    };
    let packed = model.size().packed_bytes;
    let bytes = io::save(&model, &info).map_err(|err| format!("--save {path}: {err}"))?;
    std::fs::write(path, &bytes).map_err(|err| format!("--save {path}: {err}"))?;
    println!(
        "saved '{name}' to {path}: {} bytes (true packed size {packed} bytes + header)",
        bytes.len()
    );
    Ok(())
}

/// `shrink eval --load FILE`: accuracy and sizes of any model file.
pub fn eval(a: &Args) -> Result<(), String> {
    let path = a.str("load").ok_or("eval needs --load FILE")?;
    let f = load_any(path, a)?;
    let (_, test) = a.mnist()?;
    let ev = f.model.evaluate(&test, 0).map_err(e)?;
    let s = f.model.size();
    println!(
        "'{}' widths {:?}, kernel {}: test accuracy {:.2}% ({} errors of {}); sizes: dense fp32 {} B, dense with zeros {} B, packed {} B",
        f.info.name, f.model.sizes(), f.model.kernel().label(), 100.0 * ev.accuracy, ev.errors(), ev.count,
        s.dense_fp32_bytes, s.dense_with_zeros_bytes, s.packed_bytes
    );
    save_if_asked(a, f.model, &f.info.name, &f.info.recipe, f.info.seed)
}

/// `shrink export --onnx FILE --load FILE`.
pub fn export(a: &Args) -> Result<(), String> {
    let path = a.str("load").ok_or("export needs --load FILE")?;
    let out = a.str("onnx").ok_or("export needs --onnx FILE")?;
    let f = load_any(path, a)?;
    let bytes =
        io::onnx::export(&f.model, &f.info.name).map_err(|err| format!("--onnx {out}: {err}"))?;
    std::fs::write(out, &bytes).map_err(|err| format!("--onnx {out}: {err}"))?;
    println!(
        "exported '{}' ({:?}) to {out}: {} bytes, ONNX opset {}",
        f.info.name,
        f.model.sizes(),
        bytes.len(),
        io::onnx::OPSET
    );
    Ok(())
}
