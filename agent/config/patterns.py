"""The user's `[[rules]]` regular expressions, made safe to run on any message.

Python's `re` backtracks: a pattern such as `(a+)+$` takes exponential time on "aaaa...!",
and one message would stall a pass (and a daemon) for hours. Three bounds:

- at load (`check`, `once`, `run`, a reload), `catastrophic` rejects the shapes that are known
  to blow up: a repeated group that holds another repeat not closed off by a character it
  cannot match (nested quantifiers: `(a+)+`, `(a*)*`, `(\\w+\\s?)+`, `(.*a){20}`), and a
  repeated choice whose alternatives can start alike (`(a|a)*`, `(a|ab)+`);
- at match time, `BoundedPattern.search` reads at most `MAX_INPUT_CHARS` of the text;
- and stops a match after `TIME_LIMIT_SECONDS` of CPU time (ITIMER_VIRTUAL, whose SIGVTALRM
  the main thread handles even inside `re`, which checks for signals while it backtracks; the
  real-time timer stays free for the daemon's stop). A pattern that ran out of time is logged and
  treated as not matching, for the rest of the process (until the config is reloaded), so
  one bad pattern costs a pass at most once.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from re import _constants as sre_constants  # type: ignore[attr-defined]  # 3.11+
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 100_000  # a rule sees at most this much of a subject or a body
TIME_LIMIT_SECONDS = 0.25  # per match

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_SINGLE = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY}
# Characters tried when asking whether two character sets can match the same character.
_SAMPLE = [chr(c) for c in range(0x250)] + list("\u00a0\u2028\u3000éßçñø中文ひアд€")
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: re.compile(r"\d").match,
    sre_constants.CATEGORY_NOT_DIGIT: re.compile(r"\D").match,
    sre_constants.CATEGORY_SPACE: re.compile(r"\s").match,
    sre_constants.CATEGORY_NOT_SPACE: re.compile(r"\S").match,
    sre_constants.CATEGORY_WORD: re.compile(r"\w").match,
    sre_constants.CATEGORY_NOT_WORD: re.compile(r"\W").match,
}

CharTest = Callable[[str], bool]


def catastrophic(source: str) -> str:
    """Why `source` can take exponential time on some input ("" when no known shape is
    found). Rejects at load what `re` would otherwise only reveal on an unlucky message."""
    try:
        tree = sre_parse.parse(source, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return ""  # compiling reports it
    return _walk(list(tree), depth=0)


def _walk(items: list[tuple[Any, Any]], depth: int) -> str:
    if depth > 50:
        return "it is nested too deeply"
    for op, av in items:
        if op in _REPEATS:
            _lo, hi, body = av
            if hi > 1:
                why = _ambiguous(list(body))
                if why:
                    return why
            found = _walk(list(body), depth + 1)
        elif op == sre_constants.SUBPATTERN:
            found = _walk(list(av[-1]), depth + 1)
        elif op == sre_constants.BRANCH:
            found = next((w for alt in av[1] if (w := _walk(list(alt), depth + 1))), "")
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = _walk(list(av[1]), depth + 1)
        else:  # single characters, anchors, backreferences, atomic groups, possessive repeats
            found = ""
        if found:
            return found
    return ""


def _flat(items: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A sequence with its plain groups opened: `(ab)c` is `abc` for what follows what."""
    flat: list[tuple[Any, Any]] = []
    for op, av in items:
        if op == sre_constants.SUBPATTERN:
            flat += _flat(av[-1])
        else:
            flat.append((op, av))
    return flat


def _ambiguous(body: list[tuple[Any, Any]]) -> str:
    """Why a repeated `body` can match one text in many ways, or ""."""
    sequence = _flat(body)
    for index, (op, av) in enumerate(sequence):
        if op in _REPEATS and index and sequence[index - 1][0] in _REPEATS:
            before, here = _chars_of([sequence[index - 1]]), _chars_of(list(av[2]))
            if before is None or here is None or not _disjoint(before, here):
                return (
                    "it repeats a group in which two optional or repeated parts can match the "
                    "same characters (as in (a?a?)+): some texts make it run for hours; make "
                    "them match different characters"
                )
        if op in _REPEATS and av[1] > 1:
            repeated = _chars_of(list(av[2]))
            # what must come before this repeat runs again: the rest of this round, then
            # the next round up to here
            around = sequence[index + 1 :] + sequence[:index]
            later = [_mandatory(item) for item in around]
            closed = repeated is not None and any(
                test is not None and _disjoint(repeated, test) for test in later
            )
            if not closed:
                return (
                    "it repeats a group that holds another repeat (nested quantifiers, as in "
                    "(a+)+): some texts make it run for hours; drop the outer repeat or end the "
                    "inner one with a character it cannot match"
                )
        elif op == sre_constants.BRANCH:
            # what an empty alternative starts with: what follows it, or the next round
            follow = _first_char(sequence[index + 1 :]) if index + 1 < len(sequence) else None
            follow = follow or _first_char(sequence)
            firsts = [_first_char(list(alt)) or None if alt else follow for alt in av[1]]
            for i, first in enumerate(firsts):
                for other in firsts[i + 1 :]:
                    if first is None or other is None or not _disjoint(first, other):
                        return (
                            "it repeats a choice whose alternatives can match the same text (as "
                            "in (a|aa)+): some texts make it run for hours; make the "
                            "alternatives start differently"
                        )
    return ""


def _mandatory(item: tuple[Any, Any]) -> CharTest | None:
    """The characters of which `item` must match at least one; None when it may match none
    (or is not a character set)."""
    op, av = item
    if op in _SINGLE:
        return _char_test([item])
    if op in _REPEATS and av[0] >= 1:
        return _chars_of(list(av[2]))
    return None


def _first_char(sequence: list[tuple[Any, Any]]) -> CharTest | None:
    """What the first character of `sequence` can be; None when unknown (or it may be empty)."""
    flat = _flat(sequence)
    if not flat:
        return None
    op, av = flat[0]
    if op in _SINGLE:
        return _char_test([(op, av)])
    if op in _REPEATS and av[0] >= 1:
        return _first_char(list(av[2]))
    return None


def _chars_of(items: list[tuple[Any, Any]]) -> CharTest | None:
    """Every character `items` can match, at any depth; None when something in it is not a
    plain character set (a backreference, a lookaround...)."""
    tests: list[CharTest] = []
    for op, av in _flat(items):
        if op in _SINGLE:
            found = _char_test([(op, av)])
        elif op in _REPEATS:
            found = _chars_of(list(av[2]))
        elif op == sre_constants.BRANCH:
            parts = [_chars_of(list(alt)) for alt in av[1]]
            found = None if any(p is None for p in parts) else _any_of(parts)
        elif op == sre_constants.AT:
            continue
        else:
            found = None
        if found is None:
            return None
        tests.append(found)
    return _any_of(tests)


def _any_of(tests: Sequence[CharTest | None]) -> CharTest:
    known = [t for t in tests if t is not None]
    return lambda ch: any(test(ch) for test in known)


def _char_test(items: list[tuple[Any, Any]]) -> CharTest | None:
    """Whether a character matches `items` when they are one single-character element;
    None for anything longer or unknown (taken as overlapping everything)."""
    sequence = _flat(items)
    if len(sequence) != 1 or sequence[0][0] not in _SINGLE:
        return None
    op, av = sequence[0]
    if op == sre_constants.LITERAL:
        return _is(chr(av))
    if op == sre_constants.NOT_LITERAL:
        other = _is(chr(av))
        return lambda ch: not other(ch)
    if op == sre_constants.ANY:
        return lambda ch: ch != "\n"
    return _class_test(list(av))


def _is(wanted: str) -> CharTest:
    folded = wanted.casefold()
    return lambda ch: ch.casefold() == folded


def _within(lo: int, hi: int) -> CharTest:
    return lambda ch: any(len(c) == 1 and lo <= ord(c) <= hi for c in {ch, ch.lower(), ch.upper()})


def _category(match: Callable[[str], Any]) -> CharTest:
    return lambda ch: bool(match(ch))


def _class_test(members: list[tuple[Any, Any]]) -> CharTest | None:
    negate = bool(members) and members[0][0] == sre_constants.NEGATE
    tests: list[CharTest] = []
    for op, av in members[1:] if negate else members:
        if op == sre_constants.LITERAL:
            tests.append(_is(chr(av)))
        elif op == sre_constants.RANGE:
            tests.append(_within(*av))
        elif op == sre_constants.CATEGORY and av in _CATEGORIES:
            tests.append(_category(_CATEGORIES[av]))
        else:
            return None
    return lambda ch: any(test(ch) for test in tests) != negate


def _disjoint(first: CharTest, second: CharTest) -> bool:
    return not any(first(ch) and second(ch) for ch in _SAMPLE)


class _OutOfTime(Exception):
    pass


class BoundedPattern:
    """A compiled `[[rules]]` pattern whose `search` is bounded in input and in time.
    Compares, hashes and prints as the pattern it wraps (the config's digest uses `repr`)."""

    def __init__(self, compiled: re.Pattern[str], where: str = "") -> None:
        self.compiled = compiled
        self.where = where  # e.g. "[[rules]][2].body", for the log
        self.timed_out = False

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    def search(self, text: str) -> re.Match[str] | None:
        if self.timed_out:
            return None
        text = text[:MAX_INPUT_CHARS]
        if threading.current_thread() is not threading.main_thread() or signal.getitimer(
            signal.ITIMER_VIRTUAL
        ) != (0.0, 0.0):
            return self.compiled.search(text)  # the length bound only
        armed = True

        def out_of_time(signum: int, frame: object) -> None:
            if armed:
                raise _OutOfTime

        previous = signal.signal(signal.SIGVTALRM, out_of_time)
        try:
            signal.setitimer(signal.ITIMER_VIRTUAL, TIME_LIMIT_SECONDS)
            return self.compiled.search(text)
        except _OutOfTime:
            self.timed_out = True
            log.error(
                "%s: the pattern %r ran for more than %.2f s on one message and was stopped; "
                "it counts as not matching until the config is reloaded. Simplify it "
                "(interview-agent check names the shapes that run away)",
                self.where or "[[rules]]",
                self.pattern,
                TIME_LIMIT_SECONDS,
            )
            return None
        finally:
            armed = False
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, previous)

    def __repr__(self) -> str:
        return repr(self.compiled)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BoundedPattern):
            return self.compiled == other.compiled
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.compiled)
