"""Input / InputLayer: a Sequential model's input shape declared ahead of its first layer
(Keras 3's way); the model is the one written with ``input_shape=`` on its first layer.
And Keras's functional API, ``Model(inputs, outputs)``, for a chain of layers."""

import numpy as np
import pytest

import lstmkit
from lstmkit.layers import LSTM, Dense, Embedding, Input, InputLayer
from lstmkit.models import Sequential

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:keras")


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


def test_the_functional_api_for_a_chain_of_layers_matches_keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
    from oracle import fit_alike

    def chain(L, inputs):
        x = L.Bidirectional(L.LSTM(4, return_sequences=True))(inputs)
        x = L.Dropout(0.0)(x)
        return L.Dense(2, activation="tanh")(L.LSTM(3)(x))

    keras.utils.set_random_seed(8)
    k_in = keras.Input(shape=(5, 3))
    km = keras.Model(k_in, chain(keras.layers, k_in))
    l_in = lstmkit.Input(shape=(5, 3))
    lk = lstmkit.Model(inputs=[l_in], outputs=chain(lstmkit.layers, l_in))
    assert isinstance(lk, lstmkit.Sequential) and lk.name == "model"
    lk.set_weights(km.get_weights())
    x = np.random.default_rng(8).normal(size=(6, 5, 3)).astype("float32")
    y = np.random.default_rng(9).normal(size=(6, 2)).astype("float32")
    np.testing.assert_allclose(lk.predict(x), km.predict(x, verbose=0), atol=1e-5)
    fit_alike(km, lk, x, y, 0.01, batch_size=3, epochs=2)


def test_the_functional_api_refuses_what_is_not_a_chain():
    inputs, other = lstmkit.Input(shape=(5, 3)), lstmkit.Input(shape=(5, 3))
    shared = LSTM(3, return_sequences=True)
    twice = shared(shared(inputs))
    with pytest.raises(ValueError, match=r"<LSTM name='.*'> is used twice"):
        lstmkit.Model(inputs, twice)
    with pytest.raises(ValueError, match=r"Model got 2 outputs; lstmkit builds models with one "
                                         r"input and one output"):
        lstmkit.Model(inputs, [Dense(1)(inputs), Dense(2)(inputs)])
    with pytest.raises(ValueError, match=r"outputs=...\) must be what the last layer returned"):
        lstmkit.Model(inputs, Dense(1)(other))
    with pytest.raises(ValueError, match=r"return_state=True, which in the functional API"):
        LSTM(3, return_state=True)(inputs)
    with pytest.raises(ValueError, match=r"initial_state in the functional API"):
        LSTM(3)(inputs, initial_state=[inputs, inputs])
    with pytest.raises(TypeError, match=r"lstmkit has no subclassed models"):
        lstmkit.Model()
    trained = Sequential([LSTM(3, input_shape=(5, 3)), Dense(1)])
    with pytest.raises(ValueError, match=r"was built for inputs \(None, 3\), got \(None, 2\): "
                                         r"a layer's weights are made once"):
        Sequential([Dense(2, input_shape=(3,)), trained.layers[1]])  # shared, other shape
    with pytest.raises(ValueError, match=r"was built for inputs \(None, 5, 3\).*got \(1, 5, "
                                         r"3\).*new.set_weights\(old.get_weights\(\)\)"):
        other = lstmkit.Input(batch_shape=(1, 5, 3))
        lstmkit.Model(other, trained.layers[1](trained.layers[0](other)))
