"""Tokenizer with Keras 2's semantics (Keras 3 dropped it; the expected values follow
Keras 2's documented rules: indices from 1 by frequency, ties by first appearance)."""

import pytest

from lstmkit.data import Tokenizer, text_to_word_sequence
from lstmkit.preprocessing.text import Tokenizer as Keras2PathTokenizer

CORPUS = ["The cat sat on the mat.", "The dog sat on the log!", "Dogs and cats."]


def test_text_to_word_sequence():
    assert text_to_word_sequence("Hello, World!  Hi.") == ["hello", "world", "hi"]


def test_word_index_by_frequency_then_first_appearance():
    tok = Tokenizer()
    tok.fit_on_texts(CORPUS)
    # the: 4; sat, on: 2; then each word once, in order of first appearance
    assert list(tok.word_index.items())[:5] == [("the", 1), ("sat", 2), ("on", 3),
                                                 ("cat", 4), ("mat", 5)]
    assert tok.index_word[1] == "the" and len(tok.word_index) == 10
    assert tok.document_count == 3 and tok.word_counts["the"] == 4
    assert tok.word_docs["the"] == 2
    assert tok.texts_to_sequences(["the cat sat on the log"]) == [[1, 4, 2, 3, 1, 7]]


def test_num_words_and_oov_token():
    tok = Tokenizer(num_words=4, oov_token="<OOV>")
    tok.fit_on_texts(CORPUS)
    assert tok.word_index["<OOV>"] == 1 and tok.word_index["the"] == 2
    # only indices < 4 are kept: <OOV>=1, the=2, sat=3; 'on' (4) and unknown words -> 1
    assert tok.texts_to_sequences(["the bird sat on"]) == [[2, 1, 3, 1]]
    assert tok.sequences_to_texts([[2, 1, 3, 99]]) == ["the <OOV> sat <OOV>"]


def test_without_oov_unknown_and_rare_words_are_dropped():
    tok = Tokenizer(num_words=3)
    tok.fit_on_texts(CORPUS)
    assert tok.texts_to_sequences(["the bird sat on"]) == [[1, 2]]
    assert tok.sequences_to_texts([[1, 2, 3, 99]]) == ["the sat"]


def test_char_level_alphabet_round_trip():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tok = Keras2PathTokenizer(char_level=True, lower=False)
    tok.fit_on_texts([alphabet])
    assert tok.word_index["A"] == 1 and tok.word_index["Z"] == 26
    sequences = tok.texts_to_sequences(["ABC", "XYZ"])
    assert sequences == [[1, 2, 3], [24, 25, 26]]
    assert tok.sequences_to_texts(sequences) == ["A B C", "X Y Z"]


def test_char_level_keeps_punctuation():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["a.b"])
    assert set(tok.word_index) == {"a", ".", "b"}


def test_errors():
    with pytest.raises(ValueError, match=r"no vocabulary yet: call fit_on_texts first"):
        Tokenizer().texts_to_sequences(["x"])
    with pytest.raises(ValueError, match=r"num_words must be a positive integer or None, got 0"):
        Tokenizer(num_words=0)
    with pytest.raises(TypeError, match=r"expects texts as strings .* got int"):
        Tokenizer().fit_on_texts([3])
