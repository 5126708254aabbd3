"""Learning-rate schedules: Keras's values step by step (Keras 3 is the oracle), the same
training as Keras with one, and saving them."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstmkit  # noqa: E402
from lstmkit.layers import LSTM, Dense  # noqa: E402
from lstmkit.models import Sequential, load_model  # noqa: E402
from lstmkit.optimizers import schedules  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")

SCHEDULES = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.8)),
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.8,
                              staircase=True)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5,
                              staircase=True)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=9, end_learning_rate=0.01,
                             power=2.0, cycle=True)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=20, alpha=0.1)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=20, warmup_target=0.2,
                         warmup_steps=6)),
    ("PiecewiseConstantDecay", dict(boundaries=[5, 12], values=[0.1, 0.05, 0.01])),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULES)])
def test_values_match_keras_step_by_step(name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    for step in range(45):
        want = float(keras.ops.convert_to_numpy(theirs(step)))
        assert float(ours(step)) == pytest.approx(want, rel=1e-6, abs=1e-9), step


def test_training_with_a_schedule_matches_keras():
    x = np.random.default_rng(0).normal(size=(12, 5, 2)).astype("float32")
    y = np.random.default_rng(1).normal(size=(12, 1)).astype("float32")
    keras.utils.set_random_seed(3)
    km = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    lk = Sequential([LSTM(4, input_shape=(5, 2)), Dense(1)])
    lk.set_weights(km.get_weights())
    kwargs = dict(initial_learning_rate=0.05, decay_steps=3, decay_rate=0.5)
    km.compile(keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(**kwargs)),
               "mse")
    lk.compile(lstmkit.optimizers.Adam(schedules.ExponentialDecay(**kwargs)), "mse")
    fit = dict(batch_size=4, epochs=4, shuffle=False, verbose=0)
    want, got = km.fit(x, y, **fit), lk.fit(x, y, **fit)
    np.testing.assert_allclose(got.history["loss"], want.history["loss"], rtol=1e-4)
    for g, w in zip(lk.get_weights(), km.get_weights(), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5)


def test_a_saved_model_keeps_its_schedule_and_its_place_in_it(tmp_path):
    x = np.random.default_rng(2).normal(size=(8, 5, 2)).astype("float32")
    y = np.ones((8, 1), "float32")
    model = Sequential([LSTM(3, input_shape=(5, 2)), Dense(1)])
    model.compile(lstmkit.optimizers.SGD(schedules.PiecewiseConstantDecay([3], [0.1, 0.01])),
                  "mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # two steps of four
    model.save(tmp_path / "m.lstmkit")
    loaded = load_model(tmp_path / "m.lstmkit")
    assert repr(loaded.optimizer.learning_rate) == (
        "PiecewiseConstantDecay(boundaries=[3], values=[0.1, 0.01], name='PiecewiseConstant')")
    for m in (model, loaded):
        m.fit(x, y, batch_size=4, epochs=1, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-7)


def test_a_learning_rate_changes_kind_only_by_compiling_again(tmp_path):
    from lstmkit import backend as K

    schedule = schedules.ExponentialDecay(0.1, 4, 0.5)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(lstmkit.optimizers.SGD(schedule), "mse")
    with pytest.raises(TypeError, match=r"learning rate is a schedule, which cannot become "
                                        r"0.01.*Compile with a new optimizer"):
        model.optimizer.learning_rate = 0.01
    with pytest.raises(TypeError, match=r"K.get_value got ExponentialDecay\(.*a learning-rate "
                                        r"schedule.*schedule\(step\)"):
        K.get_value(model.optimizer.lr)
    numeric = lstmkit.optimizers.Adam(0.01)
    with pytest.raises(TypeError, match=r"learning rate is 0.01, which cannot become "
                                        r"ExponentialDecay"):
        numeric.learning_rate = schedule
    numeric.learning_rate = 0.02  # a number for a number: fine
    with pytest.raises(ValueError, match=r"learning_rate must be a finite number >= 0, got nan"):
        numeric.learning_rate = float("nan")
    assert numeric.get_config()["learning_rate"] == 0.02


def test_numpy_settings_save_and_load(tmp_path):
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(lstmkit.optimizers.Adam(np.float32(0.01), beta_1=np.float32(0.8)), "mse")
    x, y = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.lstmkit")
    loaded = load_model(tmp_path / "m.lstmkit")
    for m in (model, loaded):
        m.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_allclose(loaded.get_weights()[0], model.get_weights()[0], atol=1e-7)


def test_schedule_errors(tmp_path):
    with pytest.raises(ValueError, match=r"decay_steps must be a number > 0, got 0"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.9)
    with pytest.raises(ValueError, match=r"decay_steps must be a number > 0, got nan"):
        schedules.ExponentialDecay(0.1, decay_steps=float("nan"), decay_rate=0.9)
    with pytest.raises(ValueError, match=r"boundaries must increase strictly, got \[10, 5\]"):
        schedules.PiecewiseConstantDecay([10, 5], [0.1, 0.05, 0.01])
    with pytest.raises(ValueError, match=r"takes lists: boundaries \(steps\) and values"):
        schedules.PiecewiseConstantDecay(5, [0.1, 0.05])
    with pytest.raises(ValueError, match=r"initial_learning_rate must be a number >= 0"):
        schedules.CosineDecay("0.1", decay_steps=10)
    with pytest.raises(ValueError, match=r"one value more than boundaries, got 2 boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.01])

    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 * 0.5 ** step

    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(lstmkit.optimizers.Adam(Halving()), "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)  # trains
    with pytest.raises(ValueError, match=r"Cannot save the learning-rate schedule Halving"):
        model.save(tmp_path / "m.lstmkit")
    model.save(tmp_path / "m.lstmkit", include_optimizer=False)
