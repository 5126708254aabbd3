"""The benchmark workloads W1 to W4: their data and model shapes, shared by every
implementation (see ``peers.py``)."""

import numpy as np

SEED = 7


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


def w3_data():
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(4000, 30, 40)).astype("float32")
    return x, x[:, -5:, :5].mean(axis=(1, 2))[:, None]


def w4_data(steps=8):
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(64 * steps, 100, 64)).astype("float32")
    return x, x[:, -10:, :4].mean(axis=(1, 2))[:, None]


WORKLOADS = {  # name: (layers as (units, return_sequences), head, data, fit settings)
    "W1": ([(32, False)], (26, "softmax"), alphabet_data,
           {"batch_size": 1, "epochs": 500}),
    "W2": ([(10, False)], (1, None), lambda: sine_data()[:2],
           {"batch_size": 128, "epochs": 20, "validation_split": 0.1}),
    "W3": ([(100, True), (50, False)], (1, None), w3_data, {"batch_size": 200, "epochs": 1}),
    "W4": ([(256, False)], (1, None), w4_data, {"batch_size": 64, "epochs": 1}),
}
FIRST_FIT = ("W1", "W2")  # timed from the first fit; W3 and W4 after a compiling epoch


def lstm_flops(workload, x) -> float:
    """FLOPs of the LSTM matmuls of one pass over x, forward and backward (3x forward)."""
    layers, features, total = WORKLOADS[workload][0], x.shape[2], 0.0
    for units, _ in layers:
        total += 3 * 2 * x.shape[0] * x.shape[1] * (features + units) * 4 * units
        features = units
    return total
