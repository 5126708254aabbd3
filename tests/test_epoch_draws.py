"""Each epoch's shuffle order and dropout key, drawn on the host from the training key."""

import functools
import re

import jax
import numpy as np
import pytest

from lstmkit import epoch_draws, training
from lstmkit.epoch_draws import draw
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential

KEY = epoch_draws.key_words(3)


@pytest.mark.parametrize("n", [1, 2, 23, 1000, 4097])
def test_each_epoch_visits_every_sample_once(n):
    _, draws = draw(KEY, 5, 8, n, shuffle=True, dropout=False)
    assert draws.orders.shape == (8, n) and draws.orders.dtype == np.int32
    for order in draws.orders[:5]:
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
    assert draws.keys is None


def test_orders_are_uniform_and_differ_between_epochs():
    n, epochs = 10, 4000
    _, draws = draw(KEY, epochs, epochs, n, shuffle=True, dropout=False)
    counts = np.zeros((n, n))  # how often sample j lands at position i
    for order in draws.orders:
        counts[np.arange(n), order] += 1
    expected = epochs / n
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 150  # 81 degrees of freedom: the 1e-5 quantile is about 150
    assert len({tuple(o) for o in draws.orders[:50]}) == 50


def test_draws_do_not_depend_on_how_epochs_are_split_into_calls():
    key_all, whole = draw(KEY, 5, 5, 30, shuffle=True, dropout=True)
    key_2, first = draw(KEY, 2, 3, 30, shuffle=True, dropout=True)
    key_5, second = draw(key_2, 3, 3, 30, shuffle=True, dropout=True)
    np.testing.assert_array_equal(whole.orders, np.concatenate([first.orders[:2],
                                                                second.orders]))
    np.testing.assert_array_equal(whole.keys, np.concatenate([first.keys[:2], second.keys]))
    np.testing.assert_array_equal(key_all, key_5)
    assert not np.array_equal(key_2, KEY)


def test_the_same_key_gives_the_same_draws_and_another_key_others():
    _, a = draw(KEY, 3, 3, 100, shuffle=True, dropout=True)
    _, b = draw(KEY.copy(), 3, 3, 100, shuffle=True, dropout=True)
    _, c = draw(epoch_draws.key_words(4), 3, 3, 100, shuffle=True, dropout=True)
    np.testing.assert_array_equal(a.orders, b.orders)
    np.testing.assert_array_equal(a.keys, b.keys)
    assert np.mean(a.orders == c.orders) < 0.1
    assert len({tuple(k) for k in np.concatenate([a.keys, c.keys])}) == 6


def test_without_shuffle_or_dropout_nothing_is_drawn_but_the_key_moves_on():
    key, draws = draw(KEY, 2, 64, 10, shuffle=False, dropout=False)
    assert draws.orders is None and draws.keys is None
    assert key.dtype == np.uint32 and not np.array_equal(key, KEY)


def test_capacity_keeps_one_calls_orders_within_the_budget():
    assert epoch_draws.capacity(23, True, 64) == 64
    assert epoch_draws.capacity(10_000_000, True, 64) == 1
    n = 100_000
    assert epoch_draws.capacity(n, True, 64) * n <= epoch_draws.ORDER_BUDGET
    assert epoch_draws.capacity(10_000_000, False, 64) == 64


def _train_program_text(dropout: float) -> str:
    """The jaxpr of the training program of a small model, with this LSTM dropout."""
    model = Sequential([LSTM(4, dropout=dropout, input_shape=(3, 1)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.zeros((10, 3, 1), np.float32), np.zeros((10, 1), np.float32)
    _, draws = draw(KEY, 2, 4, 10, shuffle=True, dropout=dropout > 0)
    program = functools.partial(training.train_epochs, model._objective(y), model._tx, 5,
                                False, 4, None)
    return str(jax.make_jaxpr(program)(model._train_state(), x, y, None, None, draws, 2, 0,
                                       None))


def test_the_training_program_draws_random_numbers_only_for_dropout():
    random_ops = re.compile(r"\b(sort|threefry2x32|random_bits|random_split)\[")
    assert not random_ops.search(_train_program_text(dropout=0.0))
    assert random_ops.search(_train_program_text(dropout=0.5))
