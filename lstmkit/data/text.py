"""Keras 2's ``Tokenizer``: text to integer sequences, by word or by character.

Indices start at 1 (0 is left for padding) and follow frequency, most frequent first, ties
in order of first appearance; an ``oov_token`` takes index 1. With ``num_words`` only
indices below ``num_words`` are kept (the rest become the ``oov_token`` or are dropped).
Character-level tokenizers do not apply ``filters``, as in Keras.
"""

from collections import Counter, defaultdict

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """Words of ``text``: lower-cased, ``filters`` characters turned into ``split``."""
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


class Tokenizer:
    """Keras 2 API: ``fit_on_texts``, ``texts_to_sequences``, ``sequences_to_texts``,
    ``word_index``, ``index_word``, ``word_counts``, ``document_count``."""

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS,
                 lower: bool = True, split: str = " ", char_level: bool = False,
                 oov_token: str | None = None):
        if num_words is not None and (not isinstance(num_words, int) or num_words < 1):
            raise ValueError(f"num_words must be a positive integer or None, got {num_words!r}.")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token = char_level, oov_token
        self.word_counts: Counter = Counter()
        self.word_docs: defaultdict = defaultdict(int)
        self.document_count = 0
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    def _tokens(self, text) -> list[str]:
        if not isinstance(text, str | list):
            raise TypeError(f"Tokenizer expects texts as strings (or lists of tokens), got "
                            f"{type(text).__name__}: {text!r}.")
        if self.char_level or isinstance(text, list):
            tokens = list(text)
            return [t.lower() for t in tokens] if self.lower else tokens
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the tokens of ``texts`` (a list of strings) and rebuild the indices."""
        if isinstance(texts, str):
            texts = [texts]
        for text in texts:
            tokens = self._tokens(text)
            self.document_count += 1
            self.word_counts.update(tokens)
            for token in set(tokens):
                self.word_docs[token] += 1
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [
            w for w, _ in by_count if w != self.oov_token]
        self.word_index = {w: i for i, w in enumerate(vocabulary, start=1)}
        self.index_word = {i: w for w, i in self.word_index.items()}

    def _kept(self, index: int | None) -> int | None:
        """``index`` as the output keeps it: itself, the oov index, or ``None`` (dropped)."""
        oov = self.word_index.get(self.oov_token)
        if index is None or (self.num_words and index >= self.num_words):
            return oov
        return index

    def texts_to_sequences(self, texts) -> list[list[int]]:
        """Each text as a list of token indices."""
        if not self.word_index:
            raise ValueError("The tokenizer has no vocabulary yet: call fit_on_texts first.")
        if isinstance(texts, str):
            texts = [texts]
        return [[i for t in self._tokens(text) if (i := self._kept(self.word_index.get(t)))
                 is not None] for text in texts]

    def sequences_to_texts(self, sequences) -> list[str]:
        """Each sequence of indices back as text, tokens joined by spaces (as Keras)."""
        return [" ".join(self.index_word[i] for n in seq
                         if (i := self._kept(n if n in self.index_word else None)) is not None)
                for seq in sequences]
