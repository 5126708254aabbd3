"""to_categorical and pad_sequences against Keras's own functions and documented outputs,
and the Keras 2 import paths that re-export them."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstmkit.data import pad_sequences, to_categorical  # noqa: E402

SEQUENCES = [[1], [2, 3], [4, 5, 6, 7, 8]]


def test_to_categorical_documented_example():
    # Keras's docstring: to_categorical([0, 1, 2, 3], num_classes=4) is the identity matrix.
    np.testing.assert_array_equal(to_categorical([0, 1, 2, 3], num_classes=4), np.eye(4))


@pytest.mark.parametrize("labels, num_classes", [
    (np.array([1, 0, 3]), None), (np.array([[1], [0], [3]]), None),
    (np.array([[1, 2], [0, 3]]), 5), (np.arange(25) + 1, None),
])
def test_to_categorical_matches_keras(labels, num_classes):
    ours = to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_errors():
    with pytest.raises(ValueError, match=r"integer class labels, got dtype float64"):
        to_categorical([0.5, 1.0])
    with pytest.raises(ValueError, match=r"num_classes=3 but y holds the label 3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match=r"labels >= 0, got -1"):
        to_categorical([-1, 2])


@pytest.mark.parametrize("kwargs", [
    {}, {"maxlen": 3}, {"padding": "post"}, {"truncating": "post", "maxlen": 2},
    {"value": -1, "padding": "post", "maxlen": 4}, {"dtype": "float32", "value": 0.5},
])
def test_pad_sequences_matches_keras(kwargs):
    ours = pad_sequences(SEQUENCES, **kwargs)
    theirs = keras.utils.pad_sequences(SEQUENCES, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_of_vectors_pads_whole_timesteps():
    seqs = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    out = pad_sequences(seqs, dtype="float32")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1], [[0, 0, 0], [2, 2, 2]])


def test_pad_sequences_strings_need_object_dtype():
    with pytest.raises(ValueError, match=r"pass dtype=object"):
        pad_sequences([["a", "b"], ["c"]])
    out = pad_sequences([["a", "b"], ["c"]], dtype=object, value="")
    assert out.tolist() == [["a", "b"], ["", "c"]]


def test_pad_sequences_bad_options():
    with pytest.raises(ValueError, match=r"padding must be 'pre' or 'post', got 'middle'"):
        pad_sequences(SEQUENCES, padding="middle")


def test_keras2_import_paths():
    from lstmkit.layers.core import Activation, Dense, Dropout  # noqa: F401
    from lstmkit.layers.recurrent import LSTM  # noqa: F401
    from lstmkit.models import Sequential  # noqa: F401
    from lstmkit.optimizers import SGD, Adam, RMSprop  # noqa: F401
    from lstmkit.preprocessing.sequence import pad_sequences as pad2
    from lstmkit.utils import np_utils
    from lstmkit.utils import to_categorical as tc

    assert np_utils.to_categorical is to_categorical is tc
    assert pad2 is pad_sequences
