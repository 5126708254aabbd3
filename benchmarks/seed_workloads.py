"""The seeds' two training workloads with lstmkit and with Keras 3 (JAX backend).

* ``alphabet`` (seed 001, model 3): ``LSTM(32)`` + ``Dense(26, softmax)`` on 23 samples of
  3 timesteps x 1 feature, categorical cross-entropy, Adam, ``batch_size=1``, 500 epochs
  (11,500 optimizer steps).
* ``sine`` (seed 000): ``LSTM(10)`` + ``Dense(1)`` on windows of 50 values of the
  5001-point sine wave, 80% to train, ``batch_size=128``, 20 epochs,
  ``validation_split=0.1``, Adam, MSE.

Every measurement runs in a fresh subprocess (``--run IMPL WORKLOAD``), implementations
alternating, and times ``compile()`` + ``fit(verbose=0)``, JIT compilation included.
lstmkit is measured twice: ``lstmkit-cold`` with its persistent compilation cache off
(``LSTMKIT_CACHE_DIR=off``), and ``lstmkit-warm`` with a fresh temporary cache folder that
one untimed run filled first. The table gives medians, the ratio Keras / lstmkit, and the
final training loss and accuracy (alphabet) or the test MSE (sine) of each, so that speed
is never bought with wrong results.

Run: ``KERAS_BACKEND=jax python benchmarks/seed_workloads.py [--repeats 3]``
"""

import argparse
import json
import statistics
import tempfile
import time

import numpy as np
from harness import run_measurement

WORKLOADS = ("alphabet", "sine")
IMPLS = ("keras", "lstmkit-cold", "lstmkit-warm")
SEED = 7


# ----- data (the same arrays for both libraries) -------------------------------------------
def alphabet_data():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    seq_length = 3
    data_x = [[i + k for k in range(seq_length)] for i in range(len(alphabet) - seq_length)]
    data_y = [i + seq_length for i in range(len(alphabet) - seq_length)]
    x = np.reshape(data_x, (len(data_x), seq_length, 1)) / float(len(alphabet))
    y = np.eye(len(alphabet), dtype="float32")[data_y]
    return x.astype("float32"), y


def sine_data():
    wave = np.round(np.sin(1 + 2 * np.pi * np.arange(5001) / 100), 9)
    windows = np.lib.stride_tricks.sliding_window_view(wave, 51)  # (4951, 51)
    nrow = round(0.8 * windows.shape[0])
    train, test = windows[:nrow], windows[nrow:]
    return train[:, :-1, None], train[:, -1], test[:, :-1, None], test[:, -1]


# ----- one measurement, in this process --------------------------------------------------
def build(impl, workload):
    """The seed's model, uncompiled, with the library's random seed set."""
    if impl == "keras":
        import keras
        from keras.layers import LSTM, Dense

        keras.utils.set_random_seed(SEED)
        if workload == "alphabet":
            return keras.Sequential([keras.Input((3, 1)), LSTM(32),
                                     Dense(26, activation="softmax")])
        return keras.Sequential([keras.Input((None, 1)), LSTM(10), Dense(1)])

    import lstmkit
    from lstmkit.layers import LSTM, Dense
    from lstmkit.models import Sequential

    lstmkit.set_random_seed(SEED)
    model = Sequential()
    if workload == "alphabet":
        model.add(LSTM(32, input_shape=(3, 1)))
        model.add(Dense(26, activation="softmax"))
    else:
        model.add(LSTM(10, input_shape=(None, 1)))
        model.add(Dense(1))
    return model


def measure(impl, workload):
    """Time compile + fit of one workload; return the figures as a dict."""
    start = time.perf_counter()
    model = build(impl, workload)
    import_s = time.perf_counter() - start
    if workload == "alphabet":
        x, y = alphabet_data()
        start = time.perf_counter()
        model.compile(loss="categorical_crossentropy", optimizer="adam",
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=500, batch_size=1, verbose=0)
        fit_s = time.perf_counter() - start
        _, eval_acc = model.evaluate(x, y, verbose=0)
        return {"fit_s": fit_s, "import_build_s": import_s,
                "loss": history.history["loss"][-1],
                "accuracy": history.history["accuracy"][-1], "eval_accuracy": float(eval_acc)}
    train_x, train_y, test_x, test_y = sine_data()
    start = time.perf_counter()
    model.compile(loss="mse", optimizer="adam")
    history = model.fit(train_x, train_y, batch_size=128, epochs=20, validation_split=0.1,
                        verbose=0)
    fit_s = time.perf_counter() - start
    preds = np.asarray(model.predict(test_x, verbose=0)).reshape(-1)
    return {"fit_s": fit_s, "import_build_s": import_s, "loss": history.history["loss"][-1],
            "val_loss": history.history["val_loss"][-1],
            "test_mse": float(np.mean((preds - test_y) ** 2))}


# ----- the driver ----------------------------------------------------------------------------
def run_child(impl, workload, warm_dir):
    lib = "keras" if impl == "keras" else "lstmkit"
    cache = warm_dir if impl == "lstmkit-warm" else "off"
    return run_measurement(__file__, ["--run", lib, workload], cache)


def fmt_quality(workload, r):
    if workload == "alphabet":
        return f"loss {r['loss']:.4f}  acc {r['accuracy']:.3f}  eval acc {r['eval_accuracy']:.3f}"
    return f"loss {r['loss']:.2e}  val {r['val_loss']:.2e}  test mse {r['test_mse']:.2e}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--run", nargs=2, metavar=("LIB", "WORKLOAD"),
                        help="measure once in this process (keras|lstmkit, workload)")
    parser.add_argument("--json", metavar="PATH", help="also write all measurements here")
    args = parser.parse_args(argv)

    if args.run:
        lib, workload = args.run
        print(json.dumps(measure(lib, workload)))
        return None

    results = {(w, i): [] for w in args.workloads for i in IMPLS}
    with tempfile.TemporaryDirectory(prefix="lstmkit-bench-cache-") as warm_dir:
        for workload in args.workloads:  # fill the warm cache (untimed)
            run_child("lstmkit-warm", workload, warm_dir)
        for repeat in range(args.repeats):
            for workload in args.workloads:
                order = IMPLS if repeat % 2 == 0 else IMPLS[::-1]
                for impl in order:
                    r = run_child(impl, workload, warm_dir)
                    results[(workload, impl)].append(r)
                    print(f"[{repeat + 1}/{args.repeats}] {workload:8s} {impl:12s} "
                          f"fit {r['fit_s']:6.2f}s  process {r['process_s']:6.2f}s  "
                          f"{fmt_quality(workload, r)}", flush=True)

    print()
    print(f"Medians of {args.repeats} runs (fit = compile + fit, JIT compilation included; "
          f"process = whole subprocess)")
    header = (f"{'workload':9s} {'implementation':14s} {'fit s':>7s} {'keras/this':>10s} "
              f"{'process s':>9s}  final result (last repeat)")
    print(header)
    print("-" * len(header))
    for workload in args.workloads:
        keras_fit = statistics.median(r["fit_s"] for r in results[(workload, "keras")])
        for impl in IMPLS:
            runs = results[(workload, impl)]
            fit = statistics.median(r["fit_s"] for r in runs)
            proc = statistics.median(r["process_s"] for r in runs)
            print(f"{workload:9s} {impl:14s} {fit:7.2f} {keras_fit / fit:9.1f}x {proc:9.2f}  "
                  f"{fmt_quality(workload, runs[-1])}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{w}/{i}": v for (w, i), v in results.items()}, f, indent=1)
    return results


if __name__ == "__main__":
    main()
