"""A screen before a costly regular expression: the words any match of it must contain.

Python's `re` tries a case-insensitive alternation of dozens of phrases at every word start,
about a millisecond on a screenful of mail; most mail holds none of the phrases. A
`ScreenedPattern` first asks whether the text, lower-cased, contains the literal words that a
match by one of the pattern's alternatives must contain (read from the pattern itself by the
stdlib's own parser, so an edited rule keeps a correct screen), and runs the pattern only
then. The answer is always the pattern's own: the screen only skips searches that cannot match.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

# The only characters outside ASCII that `re.IGNORECASE` matches to an ASCII character
# (İ and ı to i, ſ to s, the Kelvin sign to k; tests/test_screening.py checks every code point).
# A text holding one may match where its lower-cased form shows no word: it is always searched.
ASCII_LOOKALIKES = "\u0130\u0131\u017f\u212a"

_Words = frozenset[str]
# Per top-level alternative, the sets of words a match by it contains one of each.
Screen = tuple[tuple[_Words, ...], ...]


class ScreenedPattern:
    """A compiled pattern with the same `search` and `sub` answers, and a screen in front."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.compiled = pattern
        self.pattern = pattern.pattern
        self.flags = pattern.flags

    @functools.cached_property
    def screen(self) -> Screen | None:
        """The words a match contains (`required_words`); None: every text is searched. Read
        on first use, not at import."""
        return required_words(self.compiled)

    @functools.cached_property
    def _first_words(self) -> tuple[str, ...]:
        """The words of each alternative's first set: a text with none of them is told in one
        sweep, without going through the alternatives."""
        return tuple(dict.fromkeys(w for sets in self.screen or () for w in sets[0]))

    @functools.cached_property
    def _first_word_finder(self) -> re.Pattern[str] | None:
        """The first words as one alternation of literals: one pass of the regex engine over a
        text is several times faster than a substring test per word once there are dozens
        of words (the outcome and confirmation patterns carry a line per language)."""
        words = sorted(self._first_words, key=len, reverse=True)
        return re.compile("|".join(re.escape(w) for w in words)) if words else None

    def could_match(self, text: str) -> bool:
        screen = self.screen
        if screen is None:
            return True
        lowered = _lowered(text)
        if lowered is None:
            return True
        finder = self._first_word_finder
        if finder is not None and finder.search(lowered) is None:
            return False
        return any(all(any(w in lowered for w in words) for words in sets) for sets in screen)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self.could_match(string):
            return None
        return self.compiled.search(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        if not self.could_match(string):
            return None
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        if not self.could_match(string):
            return iter(())
        return self.compiled.finditer(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        if not self.could_match(string):
            return string
        return self.compiled.sub(repl, string, count)


@functools.lru_cache(maxsize=16)
def _lowered(text: str) -> str | None:
    """The text lower-cased (several patterns screen the same text), or None when it holds a
    character a lower-cased word test would miss."""
    if not text.isascii() and any(c in text for c in ASCII_LOOKALIKES):
        return None
    return text.lower()


def required_words(pattern: re.Pattern[str]) -> Screen | None:
    """For each top-level alternative of the pattern, sets of words such that a match by that
    alternative contains a word of every set; None when no alternative can be screened."""
    try:
        parser: Any = importlib.import_module("re._parser")  # the stdlib's own pattern reader
        c: Any = importlib.import_module("re._constants")
        items = [
            item for item in parser.parse(pattern.pattern, pattern.flags) if item[0] is not c.AT
        ]
    except Exception:  # another Python's internals: no screen, every text is searched
        return None
    while len(items) == 1 and items[0][0] is c.SUBPATTERN:
        items = [item for item in items[0][1][-1] if item[0] is not c.AT]
    if len(items) == 1 and items[0][0] is c.BRANCH:
        alternatives = [_all_of(list(a), c) for a in items[0][1][1]]
    else:
        alternatives = [_all_of(items, c)]
    if any(not sets for sets in alternatives):
        return None  # an alternative that requires no word: every text may match
    # the longest words first: they are the rarest, so a text without the alternative's words
    # is told after one or two lookups
    return tuple(
        dict.fromkeys(tuple(sorted(sets, key=_selectivity, reverse=True)) for sets in alternatives)
    )


def _selectivity(words: _Words) -> tuple[int, int]:
    return min(len(w) for w in words), -len(words)


def _all_of(items: list[tuple[Any, Any]], c: Any) -> list[_Words]:
    """Sets of words a match of this sequence of parsed items contains one of each: each run of
    literal ASCII characters, and what a group, an alternation or a repeat of at least one
    requires."""
    sets: list[_Words] = []
    run: list[str] = []
    for op, av in items:
        if op is c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            sets.append(frozenset({"".join(run)}))
            run.clear()
        if op is c.SUBPATTERN:
            sets += _all_of(list(av[-1]), c)
        elif op is c.ATOMIC_GROUP:
            sets += _all_of(list(av), c)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            sets += _all_of(list(av[2]), c)
        elif op is c.BRANCH:
            either = _any_of(av[1], c)
            if either:
                sets.append(either)
    if run:
        sets.append(frozenset({"".join(run)}))
    return sets


def _any_of(alternatives: list[Any], c: Any) -> _Words | None:
    """Words one of which a match of any of the alternatives contains (of each alternative's
    sets, the one whose shortest word is longest), or None."""
    words: set[str] = set()
    for alternative in alternatives:
        sets = _all_of(list(alternative), c)
        if not sets:
            return None
        best: _Words = max(sets, key=_selectivity)
        words |= best
    return frozenset(words)
