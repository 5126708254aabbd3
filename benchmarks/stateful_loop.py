"""The stateful tutorials' training loop: one ``fit`` call per epoch, then ``reset_states()``.

Seed 004 (section 4.6) and the stateful tutorials train as
``for i in range(N): model.fit(X, y, epochs=1, batch_size=B, shuffle=False);
model.reset_states()``, so every epoch is a call from Python. This measures that loop on
seed 004's setup: ``LSTM(2, stateful=True, batch_input_shape=(10, 5, 1))`` + ``Dense(1)``,
X (100, 5, 1) (a sine wave cut into 10 streams of 10 chunks of 5 steps, as in
``examples/seed004_stateful.py``), batch size 10, Adam, MSE, 100 epochs:

* ``lstmkit-loop``: 100 calls of ``fit(epochs=1)``, each followed by ``reset_states()``.
* ``lstmkit-single``: one ``fit(epochs=100, callbacks=[ResetStates()])`` on the same
  data, which resets the states after every epoch inside the compiled program: the same
  training as the loop (same losses), so the ratio loop / single is the per-call
  overhead of ``fit`` + ``reset_states()``.
* ``keras-loop``: the loop in Keras 3 (JAX backend): ``keras.Input(batch_shape=(10, 5, 1))``
  and ``keras.layers.LSTM(2, stateful=True)``; Keras 3 has no ``Sequential.reset_states``,
  so each layer that has ``reset_states`` is reset.

Every measurement runs in a fresh subprocess (``--run IMPL``), implementations alternating,
and times ``compile()`` + the training (JIT compilation included), with lstmkit's
persistent compilation cache off (``LSTMKIT_CACHE_DIR=off``, the cold case);
``lstmkit-loop-warm`` is the loop again with a fresh temporary cache folder that one
untimed run filled first (any later run of the same model shapes). For the loops
it also splits that time into the first call (compile + JIT compilation + one epoch) and
the other 99 calls (the steady state: per-call overhead + compute). The table gives
medians, the ratios (of the whole time and of the steady state), and the final loss of
each.

Run: ``KERAS_BACKEND=jax python benchmarks/stateful_loop.py [--repeats 3]``
"""

import argparse
import json
import statistics
import tempfile
import time

import numpy as np
from harness import run_measurement

IMPLS = ("lstmkit-loop", "lstmkit-single", "keras-loop", "lstmkit-loop-warm")
EPOCHS, BATCH = 100, 10
STREAMS, CHUNKS, TIMESTEPS = 10, 10, 5
SEED = 4


def make_data():
    """X (100, 5, 1), y (100, 1): chunk k of sine stream j is sample 10 * k + j."""
    length = CHUNKS * TIMESTEPS
    series = np.sin(2 * np.pi * np.arange(STREAMS * length + 1) / 25.0).astype("float32")
    X = np.empty((CHUNKS * STREAMS, TIMESTEPS, 1), "float32")
    y = np.empty((CHUNKS * STREAMS, 1), "float32")
    for j in range(STREAMS):
        stream = series[j * length:(j + 1) * length + 1]
        for k in range(CHUNKS):
            X[k * STREAMS + j, :, 0] = stream[k * TIMESTEPS:(k + 1) * TIMESTEPS]
            y[k * STREAMS + j, 0] = stream[(k + 1) * TIMESTEPS]
    return X, y


def build(impl):
    """Seed 004's stateful model, uncompiled, with the library's random seed set."""
    if impl == "keras-loop":
        import keras

        keras.utils.set_random_seed(SEED)
        return keras.Sequential([keras.Input(batch_shape=(BATCH, TIMESTEPS, 1)),
                                 keras.layers.LSTM(2, stateful=True), keras.layers.Dense(1)])
    import lstmkit
    from lstmkit.layers import LSTM, Dense
    from lstmkit.models import Sequential

    lstmkit.set_random_seed(SEED)
    model = Sequential()
    model.add(LSTM(2, stateful=True, batch_input_shape=(BATCH, TIMESTEPS, 1)))
    model.add(Dense(1))
    return model


def reset(model):
    if hasattr(model, "reset_states"):
        model.reset_states()
    else:  # Keras 3
        for layer in model.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()


def measure(impl):
    X, y = make_data()
    start = time.perf_counter()
    model = build(impl)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    model.compile(loss="mean_squared_error", optimizer="adam")
    if impl == "lstmkit-single":
        from lstmkit.callbacks import ResetStates

        history = model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, shuffle=False, verbose=0,
                            callbacks=[ResetStates()])
        losses = history.history["loss"]
        first_s = float("nan")
    else:
        losses = []
        for epoch in range(EPOCHS):
            history = model.fit(X, y, epochs=1, batch_size=BATCH, shuffle=False, verbose=0)
            reset(model)
            losses.append(history.history["loss"][0])
            if epoch == 0:
                first_s = time.perf_counter() - start
    fit_s = time.perf_counter() - start
    reset(model)
    preds = np.asarray(model.predict(X, batch_size=BATCH, verbose=0)).reshape(-1)
    return {"fit_s": fit_s, "first_s": first_s, "rest_s": fit_s - first_s,
            "import_build_s": build_s, "first_loss": float(losses[0]),
            "loss": float(losses[-1]), "mse": float(np.mean((preds - y[:, 0]) ** 2))}


def run_child(impl, warm_dir):
    cache = warm_dir if impl == "lstmkit-loop-warm" else "off"
    run = "lstmkit-loop" if impl == "lstmkit-loop-warm" else impl
    return run_measurement(__file__, ["--run", run], cache)


def fmt_s(seconds, width=5, unit="s"):
    """Seconds, or a dash where not measured (NaN: the single fit has no first call)."""
    return "-".rjust(width + len(unit)) if seconds != seconds else f"{seconds:{width}.2f}{unit}"


def fmt_quality(r):
    return f"loss {r['first_loss']:.4f} -> {r['loss']:.5f}  predict mse {r['mse']:.5f}"


def run_repeat(args, repeat, results, warm_dir):
    order = IMPLS if repeat % 2 == 0 else IMPLS[::-1]
    for impl in order:
        r = run_child(impl, warm_dir)
        results[impl].append(r)
        print(f"[{repeat + 1}/{args.repeats}] {impl:17s} fit {r['fit_s']:6.2f}s "
              f"(1st call {fmt_s(r['first_s'])})  process {r['process_s']:6.2f}s  "
              f"{fmt_quality(r)}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--run", choices=("lstmkit-loop", "lstmkit-single", "keras-loop"),
                        help="measure once in this process")
    parser.add_argument("--json", metavar="PATH", help="also write all measurements here")
    args = parser.parse_args(argv)

    if args.run:
        print(json.dumps(measure(args.run)))
        return None

    results = {impl: [] for impl in IMPLS}
    with tempfile.TemporaryDirectory(prefix="lstmkit-bench-cache-") as warm_dir:
        run_child("lstmkit-loop-warm", warm_dir)  # fill the warm cache (untimed)
        for repeat in range(args.repeats):
            run_repeat(args, repeat, results, warm_dir)

    fit, first, rest = ({impl: statistics.median(r[k] for r in results[impl]) for impl in IMPLS}
                        for k in ("fit_s", "first_s", "rest_s"))
    print()
    print(f"Medians of {args.repeats} runs; seed 004's LSTM(2, stateful) + Dense(1), "
          f"X (100, 5, 1), batch {BATCH}, {EPOCHS} epochs. fit = compile + training, JIT "
          f"compilation included (lstmkit's compilation cache off except in -warm); "
          f"1st call = compile + first fit; 99 calls = the rest of the loop.")
    header = (f"{'implementation':17s} {'fit s':>7s} {'1st call s':>10s} {'99 calls s':>10s} "
              f"{'process s':>9s}  final result (last repeat)")
    print(header)
    print("-" * len(header))
    for impl in IMPLS:
        proc = statistics.median(r["process_s"] for r in results[impl])
        first_s, rest_s = fmt_s(first[impl], 10, ""), fmt_s(rest[impl], 10, "")
        print(f"{impl:17s} {fit[impl]:7.2f} {first_s} {rest_s} "
              f"{proc:9.2f}  {fmt_quality(results[impl][-1])}")
    print()
    ratios = {
        "loop_over_single": fit["lstmkit-loop"] / fit["lstmkit-single"],
        "keras_over_loop": fit["keras-loop"] / fit["lstmkit-loop"],
        "keras_over_loop_warm": fit["keras-loop"] / fit["lstmkit-loop-warm"],
        "keras_over_loop_steady": rest["keras-loop"] / rest["lstmkit-loop"],
    }
    print(f"lstmkit loop / lstmkit single fit:        {ratios['loop_over_single']:5.2f}x "
          f"(target <= 2x)")
    print(f"Keras 3 loop / lstmkit loop (cold):       {ratios['keras_over_loop']:5.2f}x "
          f"(target >= 5x)")
    print(f"Keras 3 loop / lstmkit loop (warm cache): {ratios['keras_over_loop_warm']:5.2f}x")
    print(f"Keras 3 / lstmkit, the 99 calls after the first: "
          f"{ratios['keras_over_loop_steady']:5.2f}x (per call: Keras "
          f"{1e3 * rest['keras-loop'] / (EPOCHS - 1):.1f} ms, lstmkit "
          f"{1e3 * rest['lstmkit-loop'] / (EPOCHS - 1):.1f} ms)")
    print("The single fit resets the states after each epoch (callbacks=[ResetStates()]), "
          "so it trains exactly as the loop does: loop / single is the per-call overhead.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return {"fit_s": fit, **ratios}


if __name__ == "__main__":
    main()
