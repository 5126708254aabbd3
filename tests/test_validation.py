"""Every bad input gets a clear error from lstmkit's own code, and leaves the model as it was."""

import numpy as np
import pytest

from lstmkit import activations, initializers, losses, optimizers
from lstmkit.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Conv1D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    MaxPooling1D,
    RepeatVector,
    SimpleRNN,
    TimeDistributed,
)
from lstmkit.models import Sequential

RECURRENT = [LSTM, GRU, SimpleRNN]


def regression_model(layer=LSTM, **lstm_kwargs):
    model = Sequential([layer(4, input_shape=(5, 2), **lstm_kwargs), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


X = np.random.default_rng(0).normal(size=(8, 5, 2)).astype("float32")
Y = np.arange(8, dtype="float32")


def assert_unchanged(model, before):
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("x, match", [
    (X[:, :, 0], r"expects 3-D input \(samples, timesteps, features\), got x with shape "
                 r"\(8, 5\)\. For 5 timesteps of 1 feature use x\.reshape\(8, 5, 1\)"),
    (X[0, :, 0], r"got x with shape \(5,\)\. For one sequence of 5 steps use "
                 r"x\.reshape\(1, 5, 1\)"),
    (X[:, :, :1], r"expects 2 features \(last axis\), got x of shape \(8, 5, 1\)"),
])
@pytest.mark.parametrize("layer", RECURRENT)
def test_x_shape_errors(x, match, layer):
    model = regression_model(layer)
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, Y, verbose=0)
    assert_unchanged(model, before)


def test_unbuilt_model_stays_unbuilt_on_bad_x():
    model = Sequential([LSTM(4), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="expects 3-D input"):
        model.fit(X[:, :, 0], Y, verbose=0)
    assert not model.built


def test_lengths_differ():
    with pytest.raises(ValueError, match=r"same number of samples, got x with 8 .* y with 7"):
        regression_model().fit(X, Y[:7], verbose=0)


@pytest.mark.parametrize("where", ["x", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf(where, bad):
    x, y = X.copy(), Y.copy()
    if where == "x":
        x[3, 1, 0] = bad
        match = r"x contains NaN or inf, first at index \(3, 1, 0\)"
    else:
        y[6] = bad
        match = r"y contains NaN or inf, first at index \(6,\)"
    model = regression_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)


def test_non_numeric():
    with pytest.raises(TypeError, match=r"x must be numeric, got an array of dtype <U1"):
        regression_model().fit(np.full((8, 5, 2), "a"), Y, verbose=0)


def test_no_samples():
    with pytest.raises(ValueError, match=r"x has no samples \(shape \(0, 5, 2\)\)"):
        regression_model().fit(X[:0], Y[:0], verbose=0)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5])
def test_batch_size(batch_size):
    with pytest.raises(ValueError, match=r"batch_size must be an integer >= 1, got"):
        regression_model().fit(X, Y, batch_size=batch_size, verbose=0)


def test_negative_epochs():
    with pytest.raises(ValueError, match=r"epochs must be an integer >= 0, got -1"):
        regression_model().fit(X, Y, epochs=-1, verbose=0)


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5])
def test_validation_split_range(split):
    with pytest.raises(ValueError, match=r"validation_split must be a fraction in \[0, 1\)"):
        regression_model().fit(X, Y, validation_split=split, verbose=0)


def test_validation_split_leaves_nothing():
    with pytest.raises(ValueError, match=r"leaves 0 for training and 1 for validation"):
        regression_model().fit(X[:1], Y[:1], validation_split=0.5, verbose=0)


def test_one_hot_class_count():
    model = Sequential([LSTM(4, input_shape=(5, 2)), Dense(26, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    y = np.eye(25)[np.arange(8)]
    with pytest.raises(ValueError, match=r"y is one-hot with 25 classes but the output layer "
                                         r"has 26 units.*num_classes=26"):
        model.fit(X, y, verbose=0)


def test_sparse_labels_out_of_range():
    model = Sequential([LSTM(4, input_shape=(5, 2)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"class labels from 0 to 7, but the output layer has "
                                         r"3 units"):
        model.fit(X, Y, verbose=0)


def test_y_shape_mismatch():
    with pytest.raises(ValueError, match=r"y has shape \(8, 3\) but the model's output has "
                                         r"shape \(None, 1\)"):
        regression_model().fit(X, np.zeros((8, 3)), verbose=0)


@pytest.mark.parametrize("module, kind, name", [
    (optimizers, "optimizer", "adamm"),
    (losses, "loss", "mse2"),
    (activations, "activation", "relu7"),
    (initializers, "initializer", "glorot"),
])
def test_unknown_names_list_valid_ones(module, kind, name):
    with pytest.raises(ValueError, match=rf"Unknown {kind} '{name}'\. Valid {kind} names: "):
        module.get(name)


def test_unknown_names_through_the_public_api():
    with pytest.raises(ValueError, match=r"Unknown activation 'relu7'.*tanh"):
        Dense(1, activation="relu7")
    with pytest.raises(ValueError, match=r"Unknown initializer 'glorot'.*glorot_uniform"):
        LSTM(2, kernel_initializer="glorot")
    model = Sequential([LSTM(2, input_shape=(5, 2)), Dense(1)])
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adamm'.*adam"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match=r"Unknown loss 'mse2'.*mean_squared_error"):
        model.compile(optimizer="adam", loss="mse2")
    with pytest.raises(ValueError, match=r"Unknown metric 'acuracy'.*accuracy"):
        model.compile(optimizer="adam", loss="mse", metrics=["acuracy"])


def test_optimizer_wrong_type():
    with pytest.raises(TypeError, match=r"optimizer must be a name .* got int"):
        optimizers.get(3)


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_needs_compile(method):
    model = Sequential([LSTM(2, input_shape=(5, 2)), Dense(1)])
    with pytest.raises(ValueError, match=rf"{method}\(\) needs a compiled model: call "
                                         r"model\.compile"):
        getattr(model, method)(X, Y)


def test_compile_needs_loss():
    with pytest.raises(ValueError, match=r"compile\(\) needs a loss"):
        Sequential([Dense(1, input_shape=(3,))]).compile(optimizer="adam")


@pytest.mark.parametrize("x, match", [
    (np.array([[1, 2, 3], [4, 5, 10]]), r"x holds 10 at index \(1, 2\), but Embedding 'emb' "
                                         r"takes whole numbers from 0 to 9 \(input_dim=10\)\. "
                                         r"Give input_dim the vocabulary size plus one"),
    (np.array([[1, -1, 3]]), r"x holds -1 at index \(0, 1\)"),
    (np.array([[1.5, 2, 3]]), r"x holds 1.5 at index \(0, 0\)"),
    (np.zeros((2, 3, 1)), r"Layer 'emb' expects 2-D input \(samples, \.\.\.\), got x with "
                          r"shape \(2, 3, 1\)"),
])
def test_embedding_indices(x, match):
    model = Sequential([Embedding(10, 4, input_length=3, name="emb"), LSTM(2), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    before = model.get_weights()
    with pytest.raises(ValueError, match=match):
        model.fit(x, np.zeros(len(x)), verbose=0)
    with pytest.raises(ValueError, match=match.replace("x holds", "validation x holds")
                       if "holds" in match else match):
        model.fit(np.ones((2, 3)), np.zeros(2), validation_data=(x, np.zeros(len(x))),
                  verbose=0)
    assert_unchanged(model, before)


def test_wrapper_and_shape_layer_errors():
    with pytest.raises(TypeError, match=r"Bidirectional wraps a recurrent layer \(LSTM, GRU, "
                                        r"SimpleRNN\), got Dense"):
        Bidirectional(Dense(2))
    with pytest.raises(ValueError, match=r"merge_mode must be one of \['ave', 'concat', 'mul', "
                                         r"'sum'\], got None"):
        Bidirectional(LSTM(2), merge_mode=None)
    with pytest.raises(ValueError, match=r"does not support stateful=True"):
        Bidirectional(LSTM(2, stateful=True, batch_input_shape=(2, 3, 1)))
    with pytest.raises(ValueError, match=r"\(TimeDistributed\) expects inputs \(batch, "
                                         r"timesteps, \.\.\.\), got input_shape=\(4,\)"):
        Sequential([TimeDistributed(Dense(2), input_shape=(4,))])
    with pytest.raises(ValueError, match=r"\(Flatten\) needs every dimension but the batch "
                                         r"known, got input_shape=\(None, 2\)"):
        Sequential([LSTM(2, return_sequences=True, input_shape=(None, 2)), Flatten()])
    with pytest.raises(ValueError, match=r"'rv' \(RepeatVector\) expects inputs of 1 "
                                         r"dimension per sample, got input_shape=\(3, 2\)"):
        Sequential([LSTM(2, return_sequences=True, input_shape=(3, 2)),
                    RepeatVector(2, name="rv")])


def test_sample_and_class_weight_errors():
    model = regression_model()
    before = model.get_weights()
    for kwargs, error, match in [
        (dict(sample_weight=np.ones(8), class_weight={0: 1.0}), ValueError,
         r"sample_weight or class_weight, not both"),
        (dict(sample_weight=np.ones(7)), ValueError,
         r"sample_weight must hold one weight per sample, shape \(8,\), got shape \(7,\)"),
        (dict(sample_weight=-np.ones(8)), ValueError, r"sample_weight must be >= 0, got -1.0 at "
                                                      r"index 0"),
        (dict(sample_weight=np.full(8, np.nan)), ValueError, r"sample_weight contains NaN"),
        (dict(class_weight=[1.0, 2.0]), TypeError, r"class_weight must be a dict"),
    ]:
        with pytest.raises(error, match=match):
            model.fit(X, Y, verbose=0, **kwargs)
    assert_unchanged(model, before)


def test_masks_that_layers_drop():
    tokens = np.array([[0, 1, 2], [3, 4, 0]])
    model = Sequential([Embedding(5, 2, mask_zero=True, input_length=3),
                        LSTM(2, return_sequences=True), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(tokens, np.zeros((2, 3, 1)), verbose=0)  # the mask reaches the loss
    masked = Sequential([Embedding(5, 2, mask_zero=True, input_length=3),
                         LSTM(2, return_sequences=True)])
    with pytest.warns(UserWarning, match=r"'flat' \(Flatten\) does not support masking: the "
                                         r"mask .* stops here \(as in Keras\)"):
        masked.add(Flatten(name="flat"))
    masked.add(Dense(1))
    masked.compile(optimizer="adam", loss="mse")
    masked.fit(tokens, np.zeros((2, 1)), verbose=0)  # no mask reaches the loss
    with pytest.raises(ValueError, match=r"fit\(\) needs targets: pass y"):
        masked.fit(tokens, verbose=0)


def test_wrapper_settings_that_do_not_fit_together():
    with pytest.raises(ValueError, match=r"must have different go_backwards values"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3))
    with pytest.raises(ValueError, match=r"must have the same return_sequences, got True and "
                                         r"False"):
        Bidirectional(LSTM(3, return_sequences=True), backward_layer=LSTM(3, go_backwards=True))
    with pytest.raises(ValueError, match=r"\(MaxPooling1D\): 3 timesteps are fewer than its "
                                         r"pool_size 5"):
        Sequential([MaxPooling1D(5, input_shape=(3, 2))])
    per_step = Sequential([LSTM(2, return_sequences=True, input_shape=(5, 2)), Dense(1)])
    per_step.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match=r"class_weight needs one class per sample, but y has "
                                         r"shape \(8, 5, 1\)"):
        per_step.fit(X, np.zeros((8, 5, 1)), class_weight={0: 2.0}, verbose=0)


def test_convolution_errors():
    with pytest.raises(ValueError, match=r"Conv1D padding must be one of \('valid', 'same', "
                                         r"'causal'\), got 'full'"):
        Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match=r"\(Conv1D\): 3 timesteps are fewer than its kernel "
                                         r"spans \(5, dilation 1\); use padding='same'"):
        Sequential([Conv1D(2, 5, input_shape=(3, 1))])
    with pytest.raises(ValueError, match=r"MaxPooling1D padding must be 'valid' or 'same'"):
        MaxPooling1D(2, padding="causal")


def test_embedding_settings():
    with pytest.raises(ValueError, match=r"input_dim must be at most 16,777,216"):
        Embedding(2**24 + 1, 4)
    with pytest.raises(ValueError, match=r"output_dim must be an integer >= 1, got 0"):
        Embedding(10, 0)
    with pytest.raises(ValueError, match=r"x holds 7 at index \(0, 0\)"):
        Embedding(5, 2)(np.array([[7, 1]]))


@pytest.mark.parametrize("units", [0, -1, 2.0])
@pytest.mark.parametrize("layer", RECURRENT)
def test_units(units, layer):
    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got"):
        layer(units)
    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got"):
        Dense(units)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 2])
@pytest.mark.parametrize("layer", RECURRENT)
def test_dropout_rates(rate, layer):
    with pytest.raises(ValueError, match=r"rate must be a float in \[0, 1\)"):
        Dropout(rate)
    with pytest.raises(ValueError, match=r"dropout must be a float in \[0, 1\)"):
        layer(2, dropout=rate)
    with pytest.raises(ValueError, match=r"recurrent_dropout must be a float in \[0, 1\)"):
        layer(2, recurrent_dropout=rate)


def test_learning_rate():
    with pytest.raises(ValueError, match=r"learning_rate must be a positive number"):
        optimizers.SGD(learning_rate=-1)
    with pytest.raises(ValueError, match=r"either learning_rate or its Keras 2 alias lr"):
        optimizers.SGD(0.5, lr=0.1)


def test_set_weights_errors():
    model = regression_model()
    weights = model.get_weights()
    with pytest.raises(ValueError, match=r"set_weights expects 5 arrays .* got 4"):
        model.set_weights(weights[:4])
    weights[0] = np.zeros((3, 16))
    with pytest.raises(ValueError, match=r"weight 'kernel' has shape \(2, 16\), got an array "
                                         r"of shape \(3, 16\)"):
        model.set_weights(weights)


def test_summary_before_build():
    with pytest.raises(ValueError, match=r"has not been built yet"):
        Sequential([LSTM(2), Dense(1)]).summary()


def test_add_non_layer():
    with pytest.raises(TypeError, match=r"expects a layer .* got str"):
        Sequential().add("lstm")
