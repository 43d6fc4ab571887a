"""The screen before a costly pattern never changes its answer (understanding/screening.py)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from agent.mail import mime
from agent.understanding import signals
from agent.understanding.screening import ASCII_LOOKALIKES, ScreenedPattern, required_words

CORPORA = sorted((Path(__file__).parent).glob("corpus*"))
SCREENED = {
    name: value for name, value in vars(signals).items() if isinstance(value, ScreenedPattern)
}


def test_only_these_characters_outside_ascii_match_an_ascii_one_ignoring_case() -> None:
    ascii_ignoring_case = re.compile(f"[{re.escape(string.printable)}]", re.I)
    found = {chr(c) for c in range(0x80, 0x110000) if ascii_ignoring_case.fullmatch(chr(c))}
    assert found == set(ASCII_LOOKALIKES)


def test_the_costly_patterns_are_screened() -> None:
    assert {"INTERVIEW_WORDS", "CONFIRMATION_WORDS", "REJECTION", "OFFER"} <= set(SCREENED)
    assert all(required_words(p.compiled) is not None for p in SCREENED.values())


@pytest.mark.parametrize(
    "text",
    [
        "We regret to inform you",
        "We REGRET TO INFORM you",
        "We re\u017fgret to inform you",  # a long s: only the pattern can say
        "\u0130nterview on Monday",
        "The \u212aitchen interview",
        "Nothing here at all",
        "",
    ],
)
def test_a_screened_pattern_answers_as_the_pattern(text: str) -> None:
    for screened in SCREENED.values():
        got, want = screened.search(text), screened.compiled.search(text)
        assert (got and got.span()) == (want and want.span())
        assert screened.sub(" ", text) == screened.compiled.sub(" ", text)


def test_a_screened_pattern_answers_as_the_pattern_on_every_corpus_message() -> None:
    for path in (p for corpus in CORPORA for p in sorted(corpus.glob("*.eml"))):
        message = mime.message_from_bytes(
            path.read_bytes(), folder="INBOX", uid=1, max_part_bytes=262144, is_sent=False
        )
        for text in (message.subject, message.text):
            for name, screened in SCREENED.items():
                got, want = screened.search(text), screened.compiled.search(text)
                assert (got and got.span()) == (want and want.span()), (path.name, name)
