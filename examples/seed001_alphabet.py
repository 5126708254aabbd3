"""Seed 001 (``001_ce27742b01f1d200.txt``, "LSTM 長短期記憶網絡"): next letter of the alphabet.

The seed's three models, with only the imports changed from ``keras`` to ``lstmkit``:

* Model 1: one letter -> the next; X (25, 1, 1), y (25, 26). Published accuracy 88.00%.
* Model 2: three letters as 3 features of 1 timestep; X (23, 1, 3). Published 82.61%.
* Model 3: three letters as 3 timesteps of 1 feature; X (23, 3, 1). Published 100.00%.

Each is ``LSTM(32)`` + ``Dense(26, activation="softmax")``, categorical cross-entropy,
Adam, 500 epochs of batch_size=1. The lesson: the (samples, timesteps, features) framing
decides whether the LSTM can use the order of the letters.

As in the seed, the prediction loop of model 3 iterates over ``datax`` (model 2's
windows, which hold the same 23 triples as ``dataX``).

Run: ``python examples/seed001_alphabet.py``
"""

import numpy as np

from lstmkit.data import sliding_windows
from lstmkit.layers import LSTM, Dense
from lstmkit.models import Sequential
from lstmkit.preprocessing.sequence import pad_sequences  # noqa: F401 (imported by the seed)
from lstmkit.utils import np_utils

SEED_ACCURACY = {"model1_acc": 0.88, "model2_acc": 0.8261, "model3_acc": 1.0}


def main(verbose=2):
    # 給定隨機的種子，以便讓大家跑起來的結果是相同的
    np.random.seed(7)

    # 定義序列數據集
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    char_to_int = dict((c, i) for i, c in enumerate(alphabet))
    int_to_char = dict((i, c) for i, c in enumerate(alphabet))

    print("字母對應到數字編號:\n", char_to_int)
    print("\n")
    print("數字編號對應到字母:\n", int_to_char)

    # ----- Model 1: 1 feature, 1 time step -------------------------------------------
    # 準備輸入數據集
    seq_len = 1
    datax = []
    datay = []

    for i in range(0, len(alphabet)-seq_len, 1):
        seq_in = alphabet[i:i+seq_len]
        seq_out = alphabet[i+seq_len]
        datax.append([char_to_int[char] for char in seq_in])
        datay.append(char_to_int[seq_out])
        print(seq_in, "->", seq_out)

    # (samples, time_steps, features)
    # 這裡的1個字符會變成1個時間步裡頭的1個element的"feature"向量
    x = np.reshape(datax, (len(datax), seq_len, 1))

    # normalize
    x = x/float(len(alphabet))

    # one-hot
    y = np_utils.to_categorical(datay)

    print("x shape: ", x.shape) # (25筆samples, "1"個時間步長, 1個feature)
    print("y shape: ", y.shape)

    # model
    model = Sequential()
    model.add(LSTM(32, input_shape=(x.shape[1], x.shape[2])))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.summary()

    # train
    model.compile(loss="categorical_crossentropy",
                  optimizer="adam",
                  metrics=[ "accuracy"])
    model.fit(x, y, epochs=500, batch_size=1, verbose=verbose)

    scores = model.evaluate(x, y, verbose=0)
    print("model acc: %.2f%%" % (scores[1]*100))
    model1_acc = scores[1]

    for pattern in datax:
        x = np.reshape(pattern, (1, len(pattern), 1))
        x = x/float(len(alphabet))

        pred = model.predict(x, verbose=0)
        index = np.argmax(pred)
        result = int_to_char[index]
        seq_in = [int_to_char[value] for value in pattern]
        print(seq_in, "->", result)

    # ----- Model 2: 3 features, 1 time step ------------------------------------------
    # model2 with seq_len=3
    seq_len = 3
    datax = []
    datay = []

    for i in range(0, len(alphabet)-seq_len, 1):
        seq_in = alphabet[i:i+seq_len]
        seq_out = alphabet[i+seq_len]
        datax.append([char_to_int[char] for char in seq_in])
        datay.append(char_to_int[seq_out])
        print(seq_in, "->", seq_out)

    # preprocessing
    # (samples, time_steps, features)
    x = np.reshape(datax, (len(datax), 1, seq_len))

    # normalization
    x = x/float(len(alphabet))

    # one-hot
    y = np_utils.to_categorical(datay)

    print("x shape", x.shape)
    print("y shape", y.shape)

    # build the model
    model = Sequential()
    model.add(LSTM(32, input_shape=(x.shape[1], x.shape[2])))
    model.add(Dense(y.shape[1], activation='softmax'))
    model.summary()

    # start training
    model.compile(loss="categorical_crossentropy",
                  optimizer="adam", metrics=["accuracy"])
    model.fit(x, y, epochs=500, batch_size=1, verbose=verbose)

    # evaluate the model
    scores = model.evaluate(x, y, verbose=0)
    print("Model ACC: %.2f%%" % (scores[1]*100))
    model2_acc = scores[1]

    # making prediction
    for pattern in datax:
        x = np.reshape(pattern, (1, 1, len(pattern)))
        x = x/float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = np.argmax(prediction)
        result = int_to_char[index]
        seq_in = [int_to_char[value] for value in pattern]
        print(seq_in, "->", result)

    # ----- Model 3: 3 time steps of 1 feature ----------------------------------------
    # model with time_steps=3
    seq_length = 3
    dataX = []
    dataY = []
    for i in range(0, len(alphabet) - seq_length, 1):
        seq_in = alphabet[i:i + seq_length]
        seq_out = alphabet[i + seq_length]
        dataX.append([char_to_int[char] for char in seq_in])
        dataY.append(char_to_int[seq_out])
        print(seq_in, '->', seq_out)

    x = np.reshape(dataX, (len(dataX), seq_length, 1))
    x = x/float(len(alphabet))
    y = np_utils.to_categorical(dataY)

    print("x shape: ", x.shape)
    print("y shape: ", y.shape)

    # The same arrays from lstmkit.data: windows of 3 letter codes and the code after each.
    windows, targets = sliding_windows(np.arange(len(alphabet)), seq_length)
    helpers_identical = (np.array_equal(windows / float(len(alphabet)), x)
                         and np.array_equal(np_utils.to_categorical(targets[:, 0]), y))
    print("lstmkit.data gives identical arrays:", helpers_identical)

    # model3
    model = Sequential()
    model.add(LSTM(32, input_shape=(x.shape[1], x.shape[2])))
    model.add(Dense(y.shape[1], activation="softmax"))
    model.summary()

    # training
    model.compile(loss="categorical_crossentropy",
                  optimizer="adam", metrics=[ "accuracy"])
    model.fit(x, y, epochs=500, batch_size=1, verbose=verbose)

    # evaluating model
    scores = model.evaluate(x, y, verbose=0)
    print("Model Accuracy: %.2f%%" % (scores[1]*100))
    model3_acc = scores[1]

    # making prediction
    # 讓我們擷取3個字符轉成張量結構 shape:(1,3,1)來進行infer
    for pattern in datax:
        x = np.reshape(pattern, (1, len(pattern), 1))
        x = x / float(len(alphabet))
        prediction = model.predict(x, verbose=0)
        index = np.argmax(prediction)
        result = int_to_char[index]
        seq_in = [int_to_char[value] for value in pattern]
        print(seq_in, "->", result)

    figures = {"model1_acc": model1_acc, "model2_acc": model2_acc, "model3_acc": model3_acc}
    print("lstmkit.data gives identical arrays for model 3:", helpers_identical)
    for name, value in figures.items():
        print(f"{name}: {value:.2%} (seed: {SEED_ACCURACY[name]:.2%})")
    return {**figures, "helpers_identical": helpers_identical}


if __name__ == "__main__":
    main()
