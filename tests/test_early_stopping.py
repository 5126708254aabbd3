"""The compiled EarlyStopping rule against Keras 3's own callback, fed the same values."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lstmkit import early_stopping  # noqa: E402


def keras_run(values, mode, **kwargs):
    """Keras's callback over ``values``: (epochs it ran, best epoch)."""
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", mode=mode, **kwargs)
    callback.set_model(keras.Sequential())  # not read: no restore_best_weights, no 'auto'
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"val_loss": float(value)})
        if callback.stopped_epoch:
            return epoch + 1, callback.best_epoch
    return len(values), callback.best_epoch


def lstmkit_run(values, mode, min_delta=0, patience=0, baseline=None, start_from_epoch=0):
    rule = early_stopping.Rule(True, 0, 1.0 if mode == "min" else -1.0, abs(min_delta),
                               patience, baseline, start_from_epoch, False)
    update = jax.jit(lambda watch, value, epoch: early_stopping.update(
        rule, watch, value, epoch, None))
    watch = early_stopping.start(rule, None)
    for epoch, value in enumerate(values):
        watch = update(watch, np.float32(value), epoch)
        if watch.stopped:
            return epoch + 1, int(watch.best_epoch)
    return len(values), int(watch.best_epoch)


@settings(max_examples=60, deadline=None)
# Values, deltas and baselines chosen so that no comparison is a tie, where float32 (here)
# and float64 (Keras's logs) could round differently.
@given(values=st.lists(st.sampled_from([0.5, 0.62, 0.71, 0.83, 0.9]), min_size=1,
                       max_size=15),
       mode=st.sampled_from(["min", "max"]),
       min_delta=st.sampled_from([0, 0.05, -0.1]),
       patience=st.integers(0, 4),
       baseline=st.sampled_from([None, 0.645, 0.877]),
       start_from_epoch=st.integers(0, 3))
def test_stops_where_keras_stops(values, mode, min_delta, patience, baseline,
                                 start_from_epoch):
    kwargs = dict(min_delta=min_delta, patience=patience, baseline=baseline,
                  start_from_epoch=start_from_epoch)
    assert lstmkit_run(values, mode, **kwargs) == keras_run(values, mode, **kwargs)
