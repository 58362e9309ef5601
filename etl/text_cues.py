"""Fast matching of cue phrases against the words of a text.

The rules (etl/text_rules.py) are lists of phrases; a text hits a list when one of its
phrases occurs in it as consecutive words. Matching is dictionary look-ups on words and
word n-grams, so it costs the same however many cues there are: a few microseconds a text,
against tens for the equivalent regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from itertools import compress, count

from etl.text_rules import ALIASES

# A run of digits, or letter runs joined by ' or -. Written letters first, as most tokens
# are words, and possessive (++, *+): a run ends where its letters or digits do, and giving
# some back could never let ' or - follow, so the regex engine need not keep a way back.
# The same tokens as r"\d+|[^\W\d_]+(?:['-][^\W\d_]+)*", in 10% less time.
_TOKEN = re.compile(r"[^\W\d_]++(?:['-][^\W\d_]++)*+|\d++")
# A token or a line break: no token holds a "\n", so the tokens of lines joined by "\n" are
# each line's tokens, in order, with a "\n" between lines (see sentence_words).
_TOKEN_OR_BREAK = re.compile(_TOKEN.pattern + r"|\n")
_CACHE_LIMIT = 200_000
# The memos of single tokens hold fewer: numbers and typos make most distinct tokens, and
# each memo's keys stay in memory (on 579k texts a scoring process peaked 46 MB higher with
# 200k, 7 MB with 20k).
TOKEN_MEMO_LIMIT = 20_000


class Memo(dict):
    """A function's values by argument, computed on first use (cleared when large): read
    with map(memo.__getitem__, ...), a loop in C where the function was a call per word."""

    def __init__(self, function, limit: int = _CACHE_LIMIT) -> None:
        super().__init__()
        self._function = function
        self._limit = limit

    def __missing__(self, argument):
        value = self._function(argument)
        if len(self) > self._limit:
            self.clear()
        self[argument] = value
        return value


def _fold(token: str) -> str:
    return "#" if token[0].isdigit() else ALIASES.get(token, token)


_folded = Memo(_fold, TOKEN_MEMO_LIMIT)


def tokens(lower_text: str) -> list[str]:
    """The tokens of a lower-cased text before folding: words() is fold(tokens())."""
    return _TOKEN.findall(lower_text.replace("\u2019", "'"))


def fold(raw_tokens: list[str]) -> list[str]:
    """Tokens as the cues see them: aliases folded, numbers '#'."""
    return list(map(_folded.__getitem__, raw_tokens))


def words(lower_text: str) -> list[str]:
    """The words of a lower-cased text as the cues see them: aliases folded, numbers '#'."""
    return fold(tokens(lower_text))


def sentence_words(lower_text: str) -> list[str]:
    """words() of each line of a lower-cased text, the lines' words separated by a "\n".

    One call instead of one per line; a "\n" has no cue keys and no cue phrase holds one, so
    CueIndex.find of these words finds each line's hits, none across lines."""
    return fold(_TOKEN_OR_BREAK.findall(lower_text.replace("\u2019", "'")))


class CueIndex:
    """Which of several named phrase lists a list of words hits, and where."""

    def __init__(self, lists: Iterable[tuple[Hashable, Iterable[str]]]) -> None:
        self._exact: dict[str, set] = {}
        self._stems: list[tuple[str, Hashable]] = []
        # The stems by text, each key with its place in _stems; and their lengths. A new word
        # looks up its prefixes of those lengths (about 10) instead of testing every stem (80).
        self._stem_keys: dict[str, list[tuple[int, Hashable]]] = {}
        self._stem_lengths: list[int] = []
        self._ngrams: dict[str, set] = {}
        self._heads: dict[str, set[int]] = {}   # first word of an n-gram -> its lengths
        self._pairs: set[tuple[str, str]] = set()  # the first two words of each n-gram
        self._longest = 1
        for key, phrases in lists:
            for phrase in phrases:
                self._add(key, phrase)
        self._word_keys = Memo(self._keys_of_word)

    def _add(self, key: Hashable, phrase: str) -> None:
        parts = [part if part in ("#", "*") else ALIASES.get(part, part) for part in phrase.lower().split()]
        if any(part.endswith("*") for part in parts):
            if len(parts) > 1:
                raise ValueError(f"cue {phrase!r}: a stem (*) must be a phrase of its own")
            stem = parts[0][:-1]
            self._stem_keys.setdefault(stem, []).append((len(self._stems), key))
            self._stems.append((stem, key))
            if len(stem) not in self._stem_lengths:
                self._stem_lengths.append(len(stem))
        elif len(parts) == 1:
            self._exact.setdefault(parts[0], set()).add(key)
        else:
            self._ngrams.setdefault(" ".join(parts), set()).add(key)
            self._heads.setdefault(parts[0], set()).add(len(parts))
            self._pairs.add((parts[0], parts[1]))
            self._longest = max(self._longest, len(parts))

    def _keys_of_word(self, word: str) -> tuple:
        found = set(self._exact.get(word, ()))
        stems = [hit for n in self._stem_lengths if n <= len(word) for hit in self._stem_keys.get(word[:n], ())]
        # (added in the order of _stems, as a scan of them would: the tuple's order is the set's)
        found.update(key for _, key in sorted(stems))
        return tuple(found)

    def find(self, tokens: list[str]) -> dict[Hashable, list[int]]:
        """Each key hit, with the index of the first word of each of its occurrences: those
        of single-word phrases, ascending, then those of longer phrases, ascending. So a
        key's [0] is its first single-word hit where it has one."""
        # Only the words with keys, and the n-gram heads, are visited in Python: most words
        # of a text are neither (compress skips them in C).
        found: dict[Hashable, list[int]] = {}
        keys_of = list(map(self._word_keys.__getitem__, tokens))
        for i in compress(count(), keys_of):
            for key in keys_of[i]:
                found.setdefault(key, []).append(i)
        heads, ngrams, length = self._heads, self._ngrams, len(tokens)
        for i in compress(count(), map(self._pairs.__contains__, zip(tokens, tokens[1:]))):
            for n in heads[tokens[i]]:
                if i + n <= length:
                    for key in ngrams.get(" ".join(tokens[i:i + n]), ()):
                        found.setdefault(key, []).append(i)
        return found

    def count_without(self, words: list[str], key: Hashable) -> int:
        """How many of the words are not single-word phrases of `key`."""
        return sum(key not in keys for keys in map(self._word_keys.__getitem__, words))
