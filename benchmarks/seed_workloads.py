"""The seeds' two training workloads with lstmkit and with Keras 3 (JAX backend).

* ``W1`` alphabet (seed 001, model 3): ``LSTM(32)`` + ``Dense(26, softmax)`` on 23 samples
  of 3 timesteps x 1 feature, categorical cross-entropy, Adam, ``batch_size=1``, 500
  epochs (11,500 optimizer steps).
* ``W2`` sine (seed 000): ``LSTM(10)`` + ``Dense(1)`` on windows of 50 values of the
  5001-point sine wave, 80% to train, ``batch_size=128``, 20 epochs,
  ``validation_split=0.1``, Adam, MSE.

The first two workloads of ``peers.py`` (which also runs PyTorch and W3, W4), with lstmkit
and Keras only: each measurement in a fresh process, implementations alternating, timing
``compile()`` + the first ``fit(verbose=0)``, JIT compilation included. lstmkit is
measured cold (``LSTMKIT_CACHE_DIR=off``: a first run) and warm (a cache folder filled by
one untimed run: any later run of the same shapes). The table gives medians, the ratio
Keras / lstmkit and each implementation's final loss and accuracy.

Run: ``KERAS_BACKEND=jax python benchmarks/seed_workloads.py [--repeats 3]``
"""

import peers

if __name__ == "__main__":
    peers.main(workloads=("W1", "W2"), impls=("lstmkit", "lstmkit-warm", "keras"),
               description=__doc__.splitlines()[0])
