"""One-hot encoding and padding with Keras's semantics (``to_categorical``,
``pad_sequences``), with clear errors where Keras would silently cast or crash."""

from collections.abc import Sequence

import numpy as np


def to_categorical(y, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """One-hot encode integer class labels.

    Args:
        y: labels of any shape; a trailing axis of size 1 is dropped, as Keras does.
        num_classes: defaults to ``max(y) + 1``.

    Returns:
        ``y.shape + (num_classes,)`` (trailing 1 dropped) of ``dtype``.
    """
    labels = np.asarray(y)
    if labels.size and not (np.issubdtype(labels.dtype, np.integer)
                            or (np.issubdtype(labels.dtype, np.number)
                                and np.all(np.mod(labels, 1) == 0))):
        raise ValueError(
            f"to_categorical expects integer class labels, got dtype {labels.dtype} "
            f"(for example {labels.ravel()[0]!r}).")
    labels = labels.astype(np.int64)
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    flat = labels.ravel()
    if flat.size and flat.min() < 0:
        raise ValueError(f"to_categorical expects labels >= 0, got {int(flat.min())}.")
    n = int(flat.max()) + 1 if num_classes is None else int(num_classes)
    if flat.size and flat.max() >= n:
        raise ValueError(
            f"num_classes={n} but y holds the label {int(flat.max())}; labels must lie in "
            f"0..{n - 1}. Raise num_classes or leave it out to use max(y) + 1.")
    one_hot = np.zeros((flat.size, n), dtype=dtype)
    one_hot[np.arange(flat.size), flat] = 1
    return one_hot.reshape(*shape, n)


def pad_sequences(sequences: Sequence, maxlen: int | None = None, dtype="int32",
                  padding: str = "pre", truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) sequences to one length: (n_sequences, maxlen, *step_shape).

    ``padding``/``truncating`` 'pre' work at the start, 'post' at the end. Sequences of
    vectors are padded by whole timesteps. Sequences of strings need ``dtype=object``.
    """
    for name, where in (("padding", padding), ("truncating", truncating)):
        if where not in ("pre", "post"):
            raise ValueError(f"{name} must be 'pre' or 'post', got {where!r}.")
    lengths = [len(s) for s in sequences]
    step_shape = next((np.asarray(s).shape[1:] for s in sequences if len(s)), ())
    maxlen = max(lengths, default=0) if maxlen is None else maxlen
    textual = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if not textual and (isinstance(value, str) or any(
            len(s) and np.asarray(s).dtype.kind in "US" for s in sequences)):
        raise ValueError(
            f"pad_sequences got strings but dtype={dtype!r}; pass dtype=object to pad "
            f"sequences of strings.")
    out = np.full((len(sequences), maxlen, *step_shape), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        if not len(seq) or maxlen == 0:
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise ValueError(
                f"Sequence {i} has steps of shape {kept.shape[1:]}, expected {step_shape} "
                f"like the first non-empty sequence.")
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, -len(kept):] = kept
    return out
