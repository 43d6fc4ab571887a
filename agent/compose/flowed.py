"""Plain text as RFC 3676 `format=flowed` (DelSp=No): paragraphs wrapped at 72 columns with soft
line breaks, so an 80-column client shows them without wrap markers and a phone or a wide
window reflows them into paragraphs again.

A soft break is a line that ends in a space; a hard break (the end of a paragraph, of a
signature line) ends without one. Lines that start with a space, ">" or "From " are
space-stuffed. A word longer than the width (a link) stays whole on its own line.
"""

from __future__ import annotations

import re

WIDTH = 72
_WORD = re.compile(r"[^ ]+ *")  # split at spaces only: a no-break space holds
_SIGNATURE_SEPARATOR = "-- "


def _stuffed(line: str) -> str:
    return " " + line if line.startswith((" ", ">", "From ")) else line


def flow(text: str, width: int = WIDTH) -> str:
    """`text` (paragraphs on single lines, "\\n" line ends) in format=flowed."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw if raw == _SIGNATURE_SEPARATOR else raw.rstrip(" ")
        if len(line) <= width:
            out.append(_stuffed(line))
            continue
        current = line[: len(line) - len(line.lstrip(" "))]  # an indent stays
        for word in _WORD.findall(line):
            if current.strip() and len(current) + len(word.rstrip(" ")) > width:
                out.append(_stuffed(current if current.endswith(" ") else current + " "))
                current = ""
            current += word
        out.append(_stuffed(current.rstrip(" ")))
    return "\n".join(out)


def unflow(text: str) -> str:
    """What a client that reads format=flowed shows: soft-broken lines joined, stuffing off."""
    paragraphs: list[str] = []
    current = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" ") and line != _SIGNATURE_SEPARATOR:
            current += line
            continue
        paragraphs.append(current + line)
        current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)
