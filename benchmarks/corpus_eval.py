"""Measure understanding on tests/corpus: precision, recall and per-field accuracy.

Run: .venv/bin/python benchmarks/corpus_eval.py [--list]
Each .eml is read with the Maildir/test path (`mime.message_from_bytes`), understood with
`understand()` against its own Date, and compared with its .json. `--list` prints every miss.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.businessdays import BusinessCalendar  # noqa: E402
from agent.mail import mime  # noqa: E402
from agent.model import FindingKind, MailMessage  # noqa: E402
from agent.understanding.detect import Context, understand  # noqa: E402
from agent.understanding.extract import company_key, names_a_company  # noqa: E402
from agent.understanding.phrases.prose import strip_quoted  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
CONTEXT = Context(
    me=frozenset({"alex@example.com", "alex.rivera@gmail.com"}),
    tz=ZoneInfo("America/New_York"),
    business=BusinessCalendar("US", None),
    names=frozenset({"alex rivera"}),
)


def _same_words(got: str, want: str) -> bool:
    return got.lower().split() == want.lower().split()


# Legal-form suffixes trimmed before comparing companies (tests/corpus/README.md).
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:inc|incorporated|llc|l\.l\.c|llp|lp|ltd|limited|plc|gmbh|mbh|ag|kg|se|"
    r"b\.?\s?v|n\.?\s?v|s\.?\s?a\.?\s?s|s\.?\s?a|s\.?\s?l|s\.?\s?r\.?\s?l|s\.?\s?p\.?\s?a|"
    r"sas|sarl|ab|as|a/s|oy|pty|co|corp|corporation|company)\.?$",
    re.I,
)


def _company_key(name: str) -> str:
    """A company name without its legal-form suffixes, lower-cased, spaces collapsed."""
    name = " ".join(name.split()).strip(" ,.")
    while True:
        trimmed = _LEGAL_SUFFIX.sub("", name).strip(" ,.")
        if trimmed == name or not trimmed:
            return name.lower()
        name = trimmed


def _person_key(person: dict[str, str] | None) -> str:
    if not person:
        return ""
    return person.get("email") or person.get("name", "").lower()


_THREAD_KINDS = (FindingKind.INTERVIEW, FindingKind.CANCEL, FindingKind.POSSIBLE)


def _reading_order(path: Path) -> tuple[str, int, str]:
    """A story's messages in their `order`, stories by name."""
    expected = json.loads(path.with_suffix(".json").read_text())
    group = expected.get("group") or path.stem
    return (group, int(expected.get("order") or 0), path.name)


def evaluate(corpus: Path = CORPUS) -> dict[str, object]:
    tp = fp = fn = tn = 0
    fields: dict[str, list[int]] = {
        "start": [0, 0],
        "end": [0, 0],
        "company": [0, 0],
        "role": [0, 0],
        "interviewers": [0, 0],
        "recruiter": [0, 0],
        "link": [0, 0],
        "timeline": [0, 0],
        "requests": [0, 0],
        "kind": [0, 0],
    }
    misses: list[str] = []
    # A thread is read in order, as a mailbox delivers it: a reply in the thread of a message
    # read as an interview (or a possible one) knows it is in one, as the program does.
    threads: set[str] = set()

    def in_thread(message: MailMessage) -> bool:
        return bool(({message.in_reply_to, *message.references} - {""}) & threads)

    # the companies of interviews read so far, by domain, as the program's state holds them
    companies: set[str] = set()

    names: set[str] = set()

    def known_company(message: MailMessage) -> bool:
        # as agent/ingest/mailbox.py: by domain, else by a known company's name in the text
        return message.from_.domain in companies or names_a_company(
            strip_quoted(message.text[:3000]), names
        )

    context = replace(CONTEXT, in_interview_thread=in_thread, known_company=known_company)
    paths = sorted(corpus.glob("*.eml"), key=_reading_order)
    for path in paths:
        expected = json.loads(path.with_suffix(".json").read_text())
        message = mime.message_from_bytes(
            path.read_bytes(), folder="INBOX", uid=1, max_part_bytes=262144, is_sent=False
        )
        finding = understand(message, context)
        if message.message_id and finding.kind in _THREAD_KINDS:
            threads.add(message.message_id)
        if finding.interview is not None and finding.kind != FindingKind.POSSIBLE:
            companies.update(finding.interview.company_domains)
            names.add(company_key(finding.interview.company))
        found = finding.kind in (FindingKind.INTERVIEW, FindingKind.CANCEL) or (
            message.has_tnef and finding.kind != FindingKind.NONE and expected.get("tnef")
        )
        want = bool(expected["interview"])
        if want and found:
            tp += 1
        elif found:
            fp += 1
            misses.append(f"FALSE INTERVIEW {path.name}: {finding.reason}")
        elif want:
            fn += 1
            misses.append(f"MISSED {path.name}: {finding.kind} {finding.reason}")
        else:
            tn += 1
        facts = finding.interview
        if want and found and facts is not None and expected.get("start"):
            for name in ("start", "end"):
                if expected.get(name) is None:
                    continue
                value = getattr(facts, name)
                ok = value is not None and value.astimezone(UTC) == datetime.fromisoformat(
                    expected[name]
                ).astimezone(UTC)
                fields[name][0] += ok
                fields[name][1] += 1
                if not ok:
                    misses.append(f"{name} {path.name}: got {value}, want {expected[name]}")
            if expected.get("company"):
                ok = _company_key(facts.company) == _company_key(expected["company"])
                fields["company"][0] += ok
                fields["company"][1] += 1
                if not ok:
                    misses.append(f"company {path.name}: got {facts.company!r}")
            if expected.get("role"):
                ok = _same_words(facts.role, expected["role"])
                fields["role"][0] += ok
                fields["role"][1] += 1
                if not ok:
                    misses.append(
                        f"role {path.name}: got {facts.role!r}, want {expected['role']!r}"
                    )
            if finding.kind != FindingKind.CANCEL:
                want_recruiter = _person_key(expected.get("recruiter"))
                got_recruiter = {
                    p.email or p.name.lower() for p in facts.people if p.role == "recruiter"
                }
                ok = got_recruiter == ({want_recruiter} if want_recruiter else set())
                fields["recruiter"][0] += ok
                fields["recruiter"][1] += 1
                if not ok:
                    misses.append(
                        f"recruiter {path.name}: got {sorted(got_recruiter)}, "
                        f"want {want_recruiter!r}"
                    )
            link = expected.get("location_or_link")
            if link and link.startswith("http"):
                ok = link.rstrip("/") in facts.location
                fields["link"][0] += ok
                fields["link"][1] += 1
                if not ok:
                    misses.append(f"link {path.name}: got {facts.location!r}, want {link!r}")
            want_people = {p["email"] or p["name"].lower() for p in expected["interviewers"]}
            got_people = {
                p.email or p.name.lower() for p in facts.people if p.role == "interviewer"
            }
            fields["interviewers"][0] += want_people == got_people
            fields["interviewers"][1] += 1
            if want_people != got_people:
                misses.append(
                    f"interviewers {path.name}: got {sorted(got_people)}, "
                    f"want {sorted(want_people)}"
                )
        if not want and expected.get("timeline"):
            ok = (
                finding.timeline is not None
                and str(finding.timeline.day) == (expected["timeline"]["date"])
            )
            fields["timeline"][0] += ok
            fields["timeline"][1] += 1
            if not ok:
                misses.append(f"timeline {path.name}: got {finding.timeline}")
        if not want and expected.get("requests") and expected["kind"] == "reply":
            got = {str(r.due.day) for r in finding.requests}
            ok = {r["due"] for r in expected["requests"]} <= got
            fields["requests"][0] += ok
            fields["requests"][1] += 1
            if not ok:
                misses.append(f"requests {path.name}: got {sorted(got)}")
        if expected["kind"] in ("rejection", "offer", "out_of_office"):
            ok = str(finding.kind) == expected["kind"]
            fields["kind"][0] += ok
            fields["kind"][1] += 1
            if not ok:
                misses.append(f"kind {path.name}: got {finding.kind}, want {expected['kind']}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "messages": tp + fp + fn + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "fields": fields,
        "misses": misses,
    }


def main() -> None:
    """Usage: corpus_eval.py [--list] [DIR]  (DIR: another folder of cases, e.g. new held-out
    ones; --list: every miss)."""
    folders = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(folders[0]).absolute() if folders else CORPUS
    result = evaluate(corpus)
    shown = corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus
    print(f"corpus: {result['messages']} messages in {shown}")
    print(
        f"precision {result['precision']:.2f}   recall {result['recall']:.2f}   "
        f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})"
    )
    fields = result["fields"]
    assert isinstance(fields, dict)
    for name, (ok, total) in fields.items():
        if total:
            print(f"  {name:<13} {ok}/{total} = {ok / total:.2f}")
    if "--list" in sys.argv:
        misses = result["misses"]
        assert isinstance(misses, list)
        for line in misses:
            print("  " + line)


if __name__ == "__main__":
    main()
