"""The one-letter alphabet problem learned statefully (the classic Keras tutorial "stateful
LSTM, one letter per batch", Jason Brownlee's "Understanding Stateful LSTM Recurrent Neural
Networks in Python with Keras").

Seed 001's model 1 sees one letter and reaches only 88%: a single letter carries too little
context for a stateless LSTM of one timestep. Here the same data, X (25, 1, 1) = letter/26
and y the one-hot next letter, goes to ``LSTM(50, batch_input_shape=(1, 1, 1),
stateful=True)``: with batch size 1 and ``shuffle=False`` the state after letter ``i`` is
the initial state for letter ``i + 1``, so the layer sees the whole alphabet so far. Each
of the 300 epochs is one ``fit`` call followed by ``model.reset_states()``, so every epoch
starts at 'A'. The published version reaches 100% accuracy; so does this one.

Prediction carries state the same way: reset, then feed the letters one at a time.

Run: ``python examples/stateful_alphabet.py``
"""

import numpy as np

from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.utils import np_utils, set_random_seed

EPOCHS = 300  # as published


def main(verbose=0):
    set_random_seed(7)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    char_to_int = {c: i for i, c in enumerate(alphabet)}
    int_to_char = dict(enumerate(alphabet))

    seq_length = 1
    data_x, data_y = [], []
    for i in range(len(alphabet) - seq_length):
        data_x.append([char_to_int[c] for c in alphabet[i:i + seq_length]])
        data_y.append(char_to_int[alphabet[i + seq_length]])
    X = np.reshape(data_x, (len(data_x), seq_length, 1)) / float(len(alphabet))
    y = np_utils.to_categorical(data_y)
    print("X", X.shape, "y", y.shape)

    batch_size = 1
    model = Sequential()
    model.add(LSTM(50, batch_input_shape=(batch_size, X.shape[1], X.shape[2]), stateful=True))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    for _ in range(EPOCHS):
        model.fit(X, y, epochs=1, batch_size=batch_size, verbose=verbose, shuffle=False)
        model.reset_states()

    scores = model.evaluate(X, y, batch_size=batch_size, verbose=0)
    model.reset_states()
    print(f"Model Accuracy: {scores[1]:.2%}")

    # Demonstrate some predictions, one letter at a time, the state carried along.
    model.reset_states()
    predicted = []
    for pattern in data_x:
        x = np.reshape(pattern, (1, len(pattern), 1)) / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = int(np.argmax(prediction))
        predicted.append(index)
        print(int_to_char[pattern[0]], "->", int_to_char[index])
    model.reset_states()
    walk_accuracy = float(np.mean(np.array(predicted) == np.array(data_y)))
    return {"accuracy": float(scores[1]), "loss": float(scores[0]),
            "walk_accuracy": walk_accuracy}


if __name__ == "__main__":
    main()
