"""W1 to W4: lstmkit against Keras 3 (JAX backend) and PyTorch on the same workloads.

* ``W1`` alphabet (seed 001): ``LSTM(32)`` + ``Dense(26, softmax)``, 23 samples x 3 steps x
  1 feature, batch 1, 500 epochs, Adam, categorical cross-entropy. Time: the first
  ``fit``, compilation included.
* ``W2`` sine (seed 000): ``LSTM(10)`` + ``Dense(1)``, 3,961 windows of 50 with
  ``validation_split=0.1`` (3,565 to train), batch 128, 20 epochs, Adam, MSE. Time: the
  first ``fit``, compilation included.
* ``W3`` stacked: ``LSTM(100, return_sequences=True)`` -> ``LSTM(50)`` -> ``Dense(1)``,
  4,000 x 30 x 40, batch 200, Adam, MSE. Time: one epoch, after a first (compiling) one.
* ``W4`` throughput: ``LSTM(256)`` + ``Dense(1)``, batches of 64 x 100 steps x 64
  features, Adam, MSE. Time: one training step, after a first (compiling) epoch; reported
  as GFLOP/s of the LSTM's matmuls (forward 2*B*T*(F+U)*4U FLOPs, backward twice that).

Implementations, each measured in its own fresh process, alternating:
``lstmkit`` (persistent compilation cache off: a first run), ``lstmkit-warm`` (a cache
folder filled by one untimed run: any later run), ``keras`` (Keras 3, JAX backend, the same
script through the Keras API) and ``torch`` (``nn.LSTM`` + ``nn.Linear`` with a plain
training loop: shuffled batches, Adam with Keras's epsilon, Keras's validation pass).
The table gives medians, the peer / lstmkit ratio (above 1: lstmkit is faster), the
machine's 2048 x 2048 float32 matmul GFLOP/s (the ceiling for W4), and each
implementation's final loss or accuracy, so that speed is never bought with wrong results.

Run: ``KERAS_BACKEND=jax python benchmarks/peers.py [--repeats 3] [--workloads W1 W4]``
(``make bench``; the peers come from the ``bench`` extra).
"""

import argparse
import json
import statistics
import tempfile
import time

import numpy as np
from harness import run_measurement
from workloads import FIRST_FIT, SEED, WORKLOADS, lstm_flops

IMPLS = ("lstmkit", "lstmkit-warm", "keras", "torch")


# ----- one measurement, in this process -----------------------------------------------------
def keras_api_model(lib, workload, input_shape):
    """The workload's model through the Keras API, from ``keras`` or from ``lstmkit``."""
    layers_spec, (head_units, head_activation), _, _ = WORKLOADS[workload]
    if lib == "keras":
        import keras as api

        first = [api.Input(input_shape)]
    else:
        import lstmkit as api

        first = []
    api.utils.set_random_seed(SEED)
    layers = []
    for i, (units, sequences) in enumerate(layers_spec):
        kwargs = {"input_shape": input_shape} if lib == "lstmkit" and i == 0 else {}
        layers.append(api.layers.LSTM(units, return_sequences=sequences, **kwargs))
    layers.append(api.layers.Dense(head_units, activation=head_activation))
    return api.models.Sequential(first + layers)


def measure_keras_api(lib, workload):
    x, y = WORKLOADS[workload][2]()
    settings = WORKLOADS[workload][3]
    model = keras_api_model(lib, workload, (None, x.shape[2]))
    classify = workload == "W1"
    start = time.perf_counter()
    model.compile(optimizer="adam", loss="categorical_crossentropy" if classify else "mse",
                  metrics=["accuracy"] if classify else None)
    if workload not in FIRST_FIT:
        model.fit(x, y, verbose=0, shuffle=True, **settings)  # compiles
        start = time.perf_counter()
    history = model.fit(x, y, verbose=0, shuffle=True, **settings)
    seconds = time.perf_counter() - start
    quality = {"loss": float(history.history["loss"][-1])}
    if classify:
        quality["accuracy"] = float(history.history["accuracy"][-1])
    if "val_loss" in history.history:
        quality["val_loss"] = float(history.history["val_loss"][-1])
    return seconds, quality


def measure_torch(workload):
    import torch

    torch.manual_seed(SEED)
    x, y = WORKLOADS[workload][2]()
    layers_spec, (head_units, _), _, settings = WORKLOADS[workload]
    classify = workload == "W1"
    split = settings.get("validation_split", 0.0)
    at = int(len(x) * (1 - split))
    y = y.reshape(len(y), -1)  # (samples, outputs), as the network's output
    x, y, x_val, y_val = (torch.from_numpy(np.array(a, np.float32))
                          for a in (x[:at], y[:at], x[at:], y[at:]))
    if classify:
        y = y.argmax(axis=1)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            sizes = [x.shape[2]] + [units for units, _ in layers_spec]
            pairs = zip(sizes[:-1], sizes[1:], strict=True)
            self.lstms = torch.nn.ModuleList(
                torch.nn.LSTM(a, b, batch_first=True) for a, b in pairs)
            self.head = torch.nn.Linear(sizes[-1], head_units)

        def forward(self, inputs):
            for lstm in self.lstms:
                inputs, _ = lstm(inputs)
            return self.head(inputs[:, -1])

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss() if classify else torch.nn.MSELoss()
    batch = settings["batch_size"]

    def epoch():
        total, correct = 0.0, 0
        for idx in torch.randperm(len(x)).split(batch):
            optimizer.zero_grad()
            out = net(x[idx])
            loss = loss_fn(out, y[idx])
            loss.backward()
            optimizer.step()
            total += float(loss) * len(idx)
            if classify:
                correct += int((out.argmax(axis=1) == y[idx]).sum())
        if split:
            with torch.no_grad():
                quality["val_loss"] = float(loss_fn(net(x_val), y_val))
        quality["loss"] = total / len(x)
        if classify:
            quality["accuracy"] = correct / len(x)

    quality = {}
    if workload not in FIRST_FIT:
        epoch()  # the same warm-up epoch as the others
    start = time.perf_counter()
    for _ in range(settings["epochs"]):
        epoch()
    return time.perf_counter() - start, quality


def measure(impl, workload):
    """Time one workload with one implementation; the figures as a dict."""
    if impl == "torch":
        seconds, quality = measure_torch(workload)
    else:
        seconds, quality = measure_keras_api(impl, workload)
    x, _ = WORKLOADS[workload][2]()
    result = {"seconds": seconds, **quality}
    if workload == "W4":
        steps = -(-len(x) // WORKLOADS["W4"][3]["batch_size"])
        result["step_s"] = seconds / steps
        result["gflops"] = lstm_flops("W4", x) / seconds / 1e9
    return result


def matmul_gflops(n=2048, repeats=10) -> float:
    """This machine's float32 matmul rate (NumPy's BLAS), the ceiling for W4."""
    a = np.random.default_rng(0).normal(size=(n, n)).astype("float32")
    a @ a
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return 2 * n ** 3 * repeats / (time.perf_counter() - start) / 1e9


# ----- the driver ---------------------------------------------------------------------------
def run_child(impl, workload, warm_dir):
    lib = "lstmkit" if impl.startswith("lstmkit") else impl
    cache = warm_dir if impl == "lstmkit-warm" else "off"
    return run_measurement(__file__, ["--run", lib, workload], cache)


def fmt_quality(r):
    parts = [f"loss {r['loss']:.4g}"]
    if "accuracy" in r:
        parts.append(f"acc {r['accuracy']:.3f}")
    if "val_loss" in r:
        parts.append(f"val {r['val_loss']:.3g}")
    return "  ".join(parts)


def fmt_time(workload, r):
    if workload == "W4":
        return f"{1e3 * r['step_s']:7.1f} ms/step {r['gflops']:6.1f} GFLOP/s"
    return f"{r['seconds']:7.2f} s"


def print_table(results, workloads, impls, repeats):
    print(f"\nMedians of {repeats} runs. W1, W2: first fit, compilation included; W3: one "
          f"epoch; W4: one train step. ratio = peer / lstmkit (cold), above 1 means "
          f"lstmkit is faster. Matmul ceiling: {matmul_gflops():.0f} GFLOP/s.")
    header = f"{'workload':8s} {'implementation':14s} {'time':>26s} {'ratio':>7s}  final result"
    print(header)
    print("-" * len(header))
    for workload in workloads:
        medians = {impl: statistics.median(r["seconds"] for r in results[(workload, impl)])
                   for impl in impls}
        for impl in impls:
            runs = results[(workload, impl)]
            typical = min(runs, key=lambda r: abs(r["seconds"] - medians[impl]))
            ratio = "" if impl.startswith("lstmkit") or "lstmkit" not in medians else (
                f"{medians[impl] / medians['lstmkit']:6.2f}x")
            print(f"{workload:8s} {impl:14s} {fmt_time(workload, typical):>26s} {ratio:>7s}  "
                  f"{fmt_quality(runs[-1])}")


def main(argv=None, workloads=tuple(WORKLOADS), impls=IMPLS, description=None):
    """The command line; ``workloads`` and ``impls`` are the defaults it runs."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS),
                        default=list(workloads))
    parser.add_argument("--impls", nargs="+", choices=IMPLS, default=list(impls))
    parser.add_argument("--run", nargs=2, metavar=("IMPL", "WORKLOAD"),
                        help="measure once in this process (lstmkit|keras|torch, workload)")
    parser.add_argument("--json", metavar="PATH", help="also write all measurements here")
    args = parser.parse_args(argv)

    if args.run:
        print(json.dumps(measure(*args.run)))
        return None

    impls = tuple(args.impls)
    results = {(w, i): [] for w in args.workloads for i in impls}
    with tempfile.TemporaryDirectory(prefix="lstmkit-bench-cache-") as warm_dir:
        if "lstmkit-warm" in impls:
            for workload in args.workloads:  # fill the warm cache (untimed)
                run_child("lstmkit-warm", workload, warm_dir)
        for repeat in range(args.repeats):
            for workload in args.workloads:
                for impl in impls if repeat % 2 == 0 else impls[::-1]:
                    r = run_child(impl, workload, warm_dir)
                    results[(workload, impl)].append(r)
                    print(f"[{repeat + 1}/{args.repeats}] {workload} {impl:13s} "
                          f"{fmt_time(workload, r)}  {fmt_quality(r)}", flush=True)
    print_table(results, args.workloads, impls, args.repeats)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{w}/{i}": v for (w, i), v in results.items()}, f, indent=1)
    return results


if __name__ == "__main__":
    main()
