"""Seed 004 (``004_54c53adbbd83ce57.txt``, "4 Keras中LSTM模型的5步生命周期"): the 5-step life-cycle.

The seed's snippets with only the imports changed from ``keras`` to ``lstmkit``: 1. define
(``model.add`` and the list form, ``Activation('sigmoid')`` as a layer), 2. compile
(``SGD(lr=0.1, momentum=0.3)``, ``binary_crossentropy``, ``metrics=['accuracy']``), 3. fit
(``batch_size``, ``epochs``, ``verbose=0``, returning a History), 4. evaluate
(``loss, accuracy = model.evaluate(X, y, verbose=0)``), 5. predict (``predict`` and
``predict_classes``); then section 4.7's data shapes ((10,) -> (1, 10, 1) and (10, 2) ->
(1, 10, 2)).

The seed publishes no data set and no figure. Its model ``LSTM(5, input_shape=(2,1))``
takes "a univariate series of two timesteps"; here the task is generated: two numbers in
[0, 1] as 2 timesteps of 1 feature, and the class is whether their sum exceeds 1.
Accuracy is reported on the training data (as the seed evaluates) and on fresh data.

Section 4.6 (stateful LSTMs: ``stateful=True``, ``batch_input_shape``, ``reset_states()``)
is in ``examples/seed004_stateful.py``.

Run: ``python examples/seed004_lifecycle.py``
"""

import numpy as np
from numpy import array

from lstmkit.data import as_sequences
from lstmkit.layers import LSTM, Activation, Dense
from lstmkit.models import Sequential
from lstmkit.optimizers import SGD
from lstmkit.utils import set_random_seed


def make_data(n, rs):
    """n samples of 2 numbers in [0, 1]; y = 1 where their sum is above 1."""
    data = rs.uniform(0, 1, (n, 2))
    y = (data.sum(axis=1) > 1.0).astype("float32")
    return data, y


def main(verbose=0):
    set_random_seed(4)
    rs = np.random.RandomState(4)

    # 4.1 Define the network. Two columns of X treated as two timesteps of 1 feature:
    data, y = make_data(200, rs)
    columns = data
    data = data.reshape((data.shape[0], data.shape[1], 1))
    X = data
    helpers_identical = np.array_equal(as_sequences(columns, columns_are="timesteps"), X)
    print("X", X.shape, "y", y.shape, f"positive fraction {y.mean():.2f}")

    # The list form (seed table 4.2); the input shape comes from the first data it sees.
    layers = [LSTM(2), Dense(1)]
    model = Sequential(layers)
    model.compile(optimizer= 'sgd' , loss= 'mean_squared_error' , metrics=[ 'accuracy' ])
    history = model.fit(X, y, batch_size=32, epochs=5, verbose=verbose)
    print("list-form model built for", model.input_shape, "->", model.output_shape,
          "after", len(history.history["loss"]), "epochs")

    # model.add, with the activation as a layer of its own (seed table 4.6).
    model = Sequential()
    model.add(LSTM(5, input_shape=(2,1)))
    model.add(Dense(1))
    model.add(Activation('sigmoid'))
    model.summary()

    # 4.2 Compile the network.
    algorithm = SGD(lr=0.1, momentum=0.3)
    model.compile(optimizer=algorithm, loss='binary_crossentropy', metrics=['accuracy'])

    # 4.3 Fit the network.
    history = model.fit(X, y, batch_size=10, epochs=100, verbose=0)
    print("history:", sorted(history.history),
          f"final loss {history.history['loss'][-1]:.4f} "
          f"accuracy {history.history['accuracy'][-1]:.4f}")
    # (The seed suggests plotting history.history with matplotlib; plots come later.)

    # 4.4 Evaluate the network.
    loss, accuracy = model.evaluate(X, y, verbose=0)
    print(f"training data: loss {loss:.4f} accuracy {accuracy:.2%}")
    data, y_new = make_data(500, rs)
    X_new = data.reshape((data.shape[0], data.shape[1], 1))
    new_loss, new_accuracy = model.evaluate(X_new, y_new, verbose=0)
    print(f"new data:      loss {new_loss:.4f} accuracy {new_accuracy:.2%}")

    # 4.5 Make predictions.
    predictions = model.predict(X, verbose=0)
    classes = model.predict_classes(X)
    print("first 5 probabilities:", predictions[:5, 0].round(3))
    print("first 5 classes:", classes[:5, 0], "targets:", y[:5])
    assert np.array_equal(classes[:, 0], (predictions[:, 0] > 0.5).astype("int32"))

    # 4.6 Stateful LSTMs (LSTM(2, stateful=True, batch_input_shape=(10, 5, 1)),
    # model.reset_states(), fit(..., shuffle=False) in a loop) come in a later issue.

    # 4.7.1 One sample of 10 timesteps and 1 feature.
    data = array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    series = data
    data = data.reshape((1, 10, 1))
    helpers_identical &= np.array_equal(as_sequences(series), data)
    print(data.shape)
    print(data)
    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 1)))
    print("LSTM(32) on (1, 10, 1) ->", model.predict(data, verbose=0).shape)

    # 4.7.2 Two parallel series: one sample of 10 timesteps and 2 features.
    data = array([ [0.1, 1.0], [0.2, 0.9], [0.3, 0.8], [0.4, 0.7], [0.5, 0.6], [0.6, 0.5],
    [0.7, 0.4], [0.8, 0.3], [0.9, 0.2], [1.0, 0.1]])
    table = data
    data = data.reshape(1, 10, 2)
    helpers_identical &= np.array_equal(as_sequences(table, one_sequence=True), data)
    print(data.shape)
    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 2)))
    print("LSTM(32) on (1, 10, 2) ->", model.predict(data, verbose=0).shape)

    # lstmkit.data.as_sequences names these three reshapes (seed section 4.7's advice).
    print("lstmkit.data.as_sequences gives identical arrays:", helpers_identical)
    return {"accuracy": new_accuracy, "loss": new_loss,
            "train_accuracy": accuracy, "train_loss": loss, "helpers_identical": helpers_identical}


if __name__ == "__main__":
    main()
