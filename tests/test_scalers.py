"""MinMaxScaler and StandardScaler against plain NumPy formulas, round trips, ranks and
errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstmkit.data import MinMaxScaler, StandardScaler

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1,
                                                  max_side=5), elements=finite)


def _columns(x):
    return x.reshape(-1, 1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])


def test_minmax_matches_numpy_formula():
    x = np.random.default_rng(0).normal(size=(50, 3)) * [1, 10, 100]
    scaled = MinMaxScaler().fit_transform(x)
    expected = (x - x.min(0)) / (x.max(0) - x.min(0))
    np.testing.assert_allclose(scaled, expected, rtol=1e-12, atol=1e-12)
    low_high = MinMaxScaler(feature_range=(-1, 1)).fit_transform(x)
    np.testing.assert_allclose(low_high, expected * 2 - 1, atol=1e-12)


def test_minmax_learned_attributes():
    x = np.array([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]])
    scaler = MinMaxScaler(feature_range=(0, 2))
    assert scaler.fit(x) is scaler
    np.testing.assert_array_equal(scaler.data_min_, [1, 10])
    np.testing.assert_array_equal(scaler.data_max_, [3, 30])
    np.testing.assert_array_equal(scaler.data_range_, [2, 20])
    np.testing.assert_allclose(scaler.scale_, [1.0, 0.1])
    np.testing.assert_allclose(scaler.min_, [-1.0, -1.0])
    assert scaler.n_features_in_ == 2


def test_standard_matches_numpy_formula():
    x = np.random.default_rng(1).normal(3, 5, size=(40, 4))
    scaler = StandardScaler()
    assert scaler.fit(x) is scaler
    np.testing.assert_allclose(scaler.mean_, x.mean(0))
    np.testing.assert_allclose(scaler.var_, x.var(0))
    np.testing.assert_allclose(scaler.scale_, x.std(0))
    np.testing.assert_allclose(scaler.transform(x), (x - x.mean(0)) / x.std(0), atol=1e-12)


def test_3d_is_scaled_per_feature_over_samples_and_timesteps():
    x = np.random.default_rng(2).uniform(-5, 5, size=(6, 4, 3))
    flat = x.reshape(-1, 3)
    np.testing.assert_allclose(MinMaxScaler().fit_transform(x),
                               ((flat - flat.min(0)) / np.ptp(flat, 0)).reshape(x.shape))
    np.testing.assert_allclose(StandardScaler().fit_transform(x),
                               ((flat - flat.mean(0)) / flat.std(0)).reshape(x.shape))


def test_1d_is_one_feature_and_keeps_its_shape():
    x = np.array([2.0, 4.0, 6.0])
    np.testing.assert_allclose(MinMaxScaler().fit_transform(x), [0, 0.5, 1])
    scaler = StandardScaler().fit(x)
    assert scaler.n_features_in_ == 1
    assert scaler.transform(x.reshape(-1, 1)).shape == (3, 1)


def test_constant_column_does_not_divide_by_zero():
    x = np.column_stack([np.full(7, 0.1), np.arange(7.0)])
    for scaler in (MinMaxScaler(), StandardScaler()):
        out = scaler.fit_transform(x)
        assert np.all(np.isfinite(out))
        assert scaler.scale_[0] == 1.0 or isinstance(scaler, MinMaxScaler)
        np.testing.assert_allclose(scaler.inverse_transform(out), x)
    assert MinMaxScaler().fit(x).scale_[0] == 1.0  # (1 - 0) / range-treated-as-1


def test_dtypes_float32_kept_int_becomes_float64():
    x32 = np.arange(12, dtype=np.float32).reshape(6, 2)
    assert MinMaxScaler().fit_transform(x32).dtype == np.float32
    assert StandardScaler().fit_transform(np.arange(6)).dtype == np.float64


@settings(max_examples=40, deadline=None)
@given(arrays)
def test_round_trip(x):
    for scaler in (MinMaxScaler(), StandardScaler(), MinMaxScaler((-1, 1))):
        back = scaler.fit(x).inverse_transform(scaler.transform(x))
        np.testing.assert_allclose(back, x, rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays)
def test_minmax_lands_in_range(x):
    out = _columns(MinMaxScaler((-2, 3)).fit_transform(x))
    assert out.min() >= -2 - 1e-9 and out.max() <= 3 + 1e-9


def test_transform_before_fit_is_an_error():
    for scaler in (MinMaxScaler(), StandardScaler()):
        with pytest.raises(ValueError, match="not fitted yet; call fit"):
            scaler.transform(np.ones((2, 2)))
        with pytest.raises(ValueError, match="before inverse_transform"):
            scaler.inverse_transform(np.ones((2, 2)))


def test_feature_count_mismatch_is_an_error():
    scaler = StandardScaler().fit(np.ones((4, 3)))
    with pytest.raises(ValueError, match="x has 2 features .* fitted on 3"):
        scaler.transform(np.ones((4, 2)))
    with pytest.raises(ValueError, match="x has 1 features"):
        scaler.inverse_transform(np.ones(4))


def test_bad_input_errors():
    with pytest.raises(ValueError, match="feature_range must be .* low < high"):
        MinMaxScaler(feature_range=(1, 0))
    with pytest.raises(TypeError, match="x must be numeric, got .* dtype <U1"):
        MinMaxScaler().fit(np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"contains NaN or inf, first at index \(1, 0\)"):
        StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="x must be 1-D .* got shape"):
        StandardScaler().fit(np.ones((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="x is empty"):
        MinMaxScaler().fit(np.ones((0, 2)))
