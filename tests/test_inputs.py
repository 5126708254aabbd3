"""Input / InputLayer: a Sequential model's input shape declared ahead of its first layer
(Keras 3's way); the model is the one written with ``input_shape=`` on its first layer."""

import numpy as np
import pytest

import lstmkit
from lstmkit.layers import LSTM, Dense, Embedding, Input, InputLayer
from lstmkit.models import Sequential


def test_input_gives_the_first_layer_its_shape():
    lstmkit.utils.set_random_seed(0)
    with_input = Sequential([Input(shape=(3, 1)), LSTM(8), Dense(2)])
    lstmkit.utils.set_random_seed(0)
    with_shape = Sequential([LSTM(8, input_shape=(3, 1)), Dense(2)])
    assert with_input.built and len(with_input.layers) == 2  # the Input is not a layer
    assert with_input.layers[0].batch_input_shape == (None, 3, 1)
    assert with_input.output_shape == with_shape.output_shape == (None, 2)
    x = np.random.default_rng(0).normal(size=(4, 3, 1)).astype("float32")
    np.testing.assert_array_equal(with_input.predict(x), with_shape.predict(x))


def test_input_layer_by_add_with_a_batch_shape_makes_a_stateful_model():
    model = Sequential()
    model.add(InputLayer(batch_shape=(10, 5, 1)))
    model.add(LSTM(2, stateful=True))
    model.add(Dense(1))
    assert model.layers[0].batch_input_shape == (10, 5, 1)
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match="batch size"):
        model.predict(np.zeros((10, 5, 1), "float32"), batch_size=5)


@pytest.mark.parametrize("kwargs, expected", [
    ({"shape": (5, 1), "batch_size": 4}, (4, 5, 1)),
    ({"shape": 7}, (None, 7)),
    ({"batch_shape": [2, None, 3]}, (2, None, 3)),
    ({"input_shape": (5, 1)}, (None, 5, 1)),  # Keras 2's InputLayer names
    ({"batch_input_shape": (2, 5, 1)}, (2, 5, 1)),
])
def test_input_layer_shapes(kwargs, expected):
    assert InputLayer(**kwargs).batch_shape == expected


def test_integer_input_before_an_embedding():
    model = Sequential([Input(shape=(4,), dtype="int32"), Embedding(10, 3), LSTM(2)])
    assert model.output_shape == (None, 2)
    assert model.predict(np.array([[1, 2, 3, 0]])).shape == (1, 2)


def test_a_model_with_an_input_saves_and_loads(tmp_path):
    model = Sequential([Input(shape=(3, 1)), LSTM(4), Dense(1)])
    model.save(tmp_path / "m.lstmkit")
    loaded = lstmkit.models.load_model(tmp_path / "m.lstmkit")
    x = np.ones((2, 3, 1), "float32")
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.layers[0].batch_input_shape == (None, 3, 1)


@pytest.mark.parametrize("kwargs, match", [
    ({}, r"give one of them, got shape=None and batch_shape=None"),
    ({"shape": (3, 1), "batch_shape": (1, 3, 1)}, r"give one of them, got shape=\(3, 1\)"),
    ({"shape": (3, 1), "input_shape": (3, 1)}, r"both shape= and input_shape="),
    ({"batch_shape": (2, 3, 1), "batch_size": 2}, r"batch_shape holds the batch size"),
    ({"shape": (0, 1)}, r"shape must be a tuple of positive sizes or None .* got \(0, 1\)"),
    ({"shape": "3, 1"}, r"shape must be a tuple of positive sizes"),
    ({"shape": (3, 1), "batch_size": 0}, r"batch_size must be an integer >= 1, got 0"),
    ({"shape": (3, 1), "dtype": "str"}, r"dtype must be a numeric type .* got 'str'"),
])
def test_bad_input_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        InputLayer(**kwargs)


def test_input_goes_first_and_once():
    with pytest.raises(ValueError, match="An Input goes first in a Sequential model, once: "
                                         "this model already has layers"):
        Sequential([LSTM(2, input_shape=(3, 1)), Input(shape=(3, 1))])
    with pytest.raises(ValueError, match="already has an Input"):
        Sequential([Input(shape=(3, 1)), Input(shape=(3, 1))])


def test_the_input_batch_size_wins_over_a_first_layer_input_shape():
    model = Sequential([Input(shape=(5, 1), batch_size=4),
                        LSTM(3, input_shape=(5, 1), stateful=True)])
    assert model.layers[0].batch_input_shape == (4, 5, 1)


def test_a_second_different_shape_on_the_first_layer_is_refused():
    with pytest.raises(ValueError, match=r"Input has the batch shape \(None, 3, 1\), but its "
                                         r"first layer 'lstm\w*' declares "
                                         r"batch_input_shape=\(None, 4, 1\)"):
        Sequential([Input(shape=(3, 1)), LSTM(2, input_shape=(4, 1))])


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": ("a", 1)}, r"input_shape must be a tuple of positive sizes .* \('a', 1\)"),
    ({"batch_input_shape": (0, 3, 1)}, r"batch_input_shape must be a tuple of positive sizes"),
    ({"input_dim": 0}, r"input_dim must be an integer >= 1, got 0"),
    ({"input_shape": (3, 1), "batch_size": -1}, r"batch_size must be an integer >= 1"),
])
def test_bad_shapes_on_a_layer_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LSTM(2, **kwargs)
