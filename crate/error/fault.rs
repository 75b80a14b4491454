//! What is wrong with a file (or with bytes handed over as one): the `fault` of an
//! [`Error::BadData`](super::Error::BadData). Each sentence names its arguments as `{name}`;
//! [`super::fill`] puts them in for `Display`, and the page's catalogues say the same sentence
//! with the same arguments.
//!
//! Each variant's name is its stable id (the page's catalogue key is `err.fault.<id>`, in
//! www/i18n/errors.en.js and errors.zh.js); the string is its English template.
//! tests/error_catalogue.rs checks that every id has an entry in both languages, with the same
//! placeholders as here. [`Fault::Other`] carries free English text for failures a learner
//! cannot cause from the page.

super::ids::catalogue_ids! {
    Fault
    Other = "{what}",
    // --- any model file ---
    FileEmpty = "the file is empty",
    FileTooLarge = "the file is {bytes} bytes; a model file is at most {max} bytes",
    // --- safetensors container ---
    SafetensorsTooShort = "the file is only {bytes} bytes: too short for a safetensors header",
    SafetensorsHeaderTooLarge = "the safetensors header claims {bytes} bytes (at most {max}): not a model file, or corrupt",
    SafetensorsTruncated = "the file is truncated: its header needs {need} bytes but the file has {bytes}",
    SafetensorsInvalidTruncated = "not a valid safetensors file ({detail}); it may be truncated",
    SafetensorsInvalid = "not a valid safetensors file ({detail})",
    TensorMissing = "tensor '{name}' is missing",
    TensorDtype = "tensor '{name}' has dtype {dtype}, expected {expected}",
    TensorShape = "tensor '{name}' has shape {shape}, expected {expected} (the layers' widths must chain)",
    TensorNotFinite = "tensor '{name}' holds a value that is not a finite number (element {index}: {value})",
    TensorNot1d = "tensor '{name}' must be one-dimensional",
    // --- Shrink model file ---
    NoShrinkMetadata = "this safetensors file has no Shrink metadata; to bring in a PyTorch state_dict use the PyTorch import",
    MetadataNotJson = "the metadata is not valid JSON: {detail}",
    NotShrinkFormat = "the metadata does not say format \"shrink-model\"",
    FormatVersion = "format version {version} is not supported (this build reads version {supported})",
    MetadataMalformed = "the metadata is malformed: {detail}",
    QuantizedWithoutSettings = "a quantized model without its quantization settings",
    WidthsDisagree = "the metadata says widths {meta} but the layers have {layers}",
    ModelNoLayers = "the model has no layers",
    ModelTooManyLayers = "the model has {count} layers (at most {max})",
    LayerInputs = "layer {layer} has {width} inputs; widths must be between 1 and {max}",
    LayerOutputs = "layer {layer} has {width} outputs; widths must be between 1 and {max}",
    LayersDoNotChain = "the layers do not chain: layer {a} has {outputs} outputs but layer {b} has {inputs} inputs",
    ModelTooManyParams = "the model has {params} parameters (at most {max}, the browser's memory)",
    FloatLayout = "layer {layer} of a float model cannot have the {layout} layout",
    SparseCount = "layer {layer} claims {nnz} stored weights but has only {count}",
    SparseRows = "layer {layer}: the sparse row pointers are not increasing from 0 to the stored count",
    SparseColumn = "layer {layer}, row {row}: column index {column} is out of range or out of order (inputs: {inputs})",
    InputScalingMeta = "the file's input_scaling metadata is '{value}' (expected unit or mean-std)",
    // --- PyTorch state_dict ---
    TorchDtype = "tensor '{name}' has dtype {dtype}; weights must be F32, F16 or BF16",
    TorchNotFinite = "tensor '{name}' holds a value that is not a finite number (element {index})",
    TorchNoWeights = "no '<layer>.weight' tensors: this is not the state_dict of an nn.Sequential of Linear layers",
    TorchTooManyLayers = "{count} Linear layers is too many",
    TorchWeightNot2d = "'{name}' has shape {shape}; a Linear weight is 2-D [out, in]",
    TorchLayerSize = "'{name}' is {n_out}×{n_in}; widths must be 1 to 4096",
    TorchNotChain = "the layers do not chain: layer {a} has {outputs} outputs but '{name}' (layer {b}) takes {inputs} inputs",
    // --- ONNX ---
    OnnxTooLarge = "the ONNX file is {bytes} bytes (at most {max})",
    OnnxInvalid = "not a valid ONNX file: {detail}",
    OnnxNoGraph = "the ONNX file has no graph",
    OnnxExternalData = "initializer '{name}' keeps its data in an external file, which cannot be read here",
    OnnxBadDims = "initializer '{name}' has impossible dimensions {dims}",
    OnnxValueCount = "initializer '{name}' holds {count} values for dimensions {dims}",
    OnnxNotFinite = "initializer '{name}' holds a value that is not a finite number",
    OnnxNoInput = "the ONNX graph has no input",
    OnnxNoOutput = "the ONNX graph has no output",
    OnnxNeedsWeight = "node '{node}' needs '{name}' to be a float initializer (a constant weight)",
    OnnxNotChain = "the ONNX graph is not a chain of layers: node '{node}' ({op}) does not take the previous result",
    OnnxNodeNoOutput = "node '{node}' has no output",
    OnnxNotMlp = "the ONNX graph is not an MLP: node '{node}' is a {op} (expected Gemm, MatMul, Add, Relu)",
    OnnxGemmForm = "Gemm '{node}' must be x·Bᵀ + C with alpha = beta = 1 and no transA",
    OnnxWeightNot2d = "{op} '{node}': the weight must be 2-D, got {dims}",
    OnnxMatMulForm = "MatMul '{node}' must multiply the previous result by a weight (x·W)",
    OnnxReluFirst = "Relu '{node}' must follow a layer",
    OnnxOutputNotEnd = "the ONNX graph's output is not the end of its chain of layers",
    OnnxNoLayers = "the ONNX graph has no layers",
    OnnxBiasDims = "node '{node}': the bias has dimensions {dims}, expected [{n_out}]",
    OnnxLayerSize = "node '{node}': a {n_out}×{n_in} layer (widths must be 1 to 4096)",
    // --- a model file handed to a panel or to the versions ---
    ModelNotFloat = "the model file holds a quantized or binary network; a panel starts from a float one",
    ModelOtherNetwork = "the model file holds a {file} network with {file_act}, but the settings describe {want} with {want_act}",
    ModelOtherScaling = "the file \"{name}\" expects its pixels scaled as {scaling}, not as this page's digits: run it with the shrink CLI instead",
    // --- MNIST (IDX files, maybe gzipped) ---
    IdxGzip = "{file}: broken gzip stream ({detail})",
    IdxTooLarge = "{file}: decompresses to more than {mb} MB",
    IdxTooShort = "{file}: file is too short for its header ({bytes} bytes)",
    IdxImageMagic = "image file: magic number {magic}, expected {expected}",
    IdxImageMagicIsLabels = "image file: magic number {magic}, expected {expected} (this is a label file)",
    IdxImageSize = "image file: {rows}×{cols} images are not supported",
    IdxImageOverflow = "image file: count overflows",
    IdxImagePayload = "image file: header says {n} images of {rows}×{cols} ({expected} bytes) but {bytes} bytes follow",
    IdxImageTruncated = "image file: header says {n} images of {rows}×{cols} ({expected} bytes) but {bytes} bytes follow (truncated?)",
    IdxLabelMagic = "label file: magic number {magic}, expected {expected}",
    IdxLabelMagicIsImages = "label file: magic number {magic}, expected {expected} (this is an image file)",
    IdxLabelPayload = "label file: header says {n} labels but {bytes} bytes follow",
    IdxLabelDigit = "label file: label {label} at index {index} is not a digit 0–9",
    IdxCounts = "the image file holds {images} images but the label file {labels} labels",
    IdxNot28 = "images are {rows}×{cols}, expected MNIST's 28×28",
}
