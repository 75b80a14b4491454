"""Native PyTorch eager on one core: the peer of `cargo xtask bench`'s "native PyTorch" row.

Trains LeNet-300-100 (784-300-100-10, ReLU) for one epoch of full MNIST with SGD (lr 0.05,
momentum 0.9), batch 64, as the bench page trains ours, then runs the 10,000 test digits at batch
1000. Each step gathers its batch from the shuffled training set, as our trainer does. Prints
one JSON line.

Run (the venv is optional and never needed by `cargo xtask test`; see xtask/src/bench.rs):
    target/torch-venv/bin/python xtask/torch_bench.py www/data
"""

import gzip
import json
import sys
import time
from pathlib import Path

import torch


def idx(path: Path, offset: int) -> torch.Tensor:
    raw = gzip.decompress(path.read_bytes())
    return torch.frombuffer(bytearray(raw[offset:]), dtype=torch.uint8)


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "www/data")
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x_train = idx(data / "train-images-idx3-ubyte.gz", 16).view(-1, 784).float() / 255
    y_train = idx(data / "train-labels-idx1-ubyte.gz", 8).long()
    x_test = idx(data / "t10k-images-idx3-ubyte.gz", 16).view(-1, 784).float() / 255
    y_test = idx(data / "t10k-labels-idx1-ubyte.gz", 8).long()
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 300),
        torch.nn.ReLU(),
        torch.nn.Linear(300, 100),
        torch.nn.ReLU(),
        torch.nn.Linear(100, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x_train.shape[0]
    order = torch.randperm(n)

    def step(idx_b: torch.Tensor) -> None:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x_train[idx_b]), y_train[idx_b])
        loss.backward()
        opt.step()

    for s in range(20):  # warm-up (allocator, kernel choice), not timed
        step(order[s * 64 : (s + 1) * 64])
    t0 = time.perf_counter()
    for s in range(0, n, 64):
        step(order[s : s + 64])
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        model(x_test[:1000])
        t1 = time.perf_counter()
        pred = torch.cat([model(x_test[i : i + 1000]).argmax(1) for i in range(0, 10000, 1000)])
        infer_s = time.perf_counter() - t1
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "trainSamplesPerSec": n / train_s,
                "inferSamplesPerSec": 10000 / infer_s,
                "testAccuracy": (pred == y_test).float().mean().item(),
            }
        )
    )


if __name__ == "__main__":
    main()
