"""Runs Shrink's exported ONNX models in ONNX Runtime and compares them with Shrink's own
predictions. Called by tests/onnx_runtime.rs with a directory holding inputs.f32 (the test
digits exactly as Shrink standardises them), labels.u8, and per model NAME.onnx + NAME.pred.
Prints one line per model: NAME agree=A of N ours=X ort=Y (correct digits)."""
import sys, os
import numpy as np
import onnxruntime as ort

d = sys.argv[1]
labels = np.fromfile(os.path.join(d, "labels.u8"), dtype=np.uint8)
n = len(labels)
x = np.fromfile(os.path.join(d, "inputs.f32"), dtype="<f4").reshape(n, -1)
for name in sorted(f[:-5] for f in os.listdir(d) if f.endswith(".onnx")):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    s = ort.InferenceSession(os.path.join(d, name + ".onnx"), opts, providers=["CPUExecutionProvider"])
    logits = np.concatenate([s.run(None, {"input": x[i:i + 1000]})[0] for i in range(0, n, 1000)])
    pred = logits.argmax(1).astype(np.uint8)
    ours = np.fromfile(os.path.join(d, name + ".pred"), dtype=np.uint8)
    print(f"{name} agree={int((pred == ours).sum())} of {n} ours={int((ours == labels).sum())} ort={int((pred == labels).sum())}", flush=True)
