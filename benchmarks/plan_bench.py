"""What planning costs: `planner.plan()` alone, pure, on worlds of growing size.

A world of N interviews over two years (companies of one to three rounds, some cancelled),
about six messages per interview across the companies' domains (the invitation, replies in
its thread, a stated timeline, a request with a date, an out-of-office, ATS notices carrying
the company domain, the user's thank-you and answers, a decision for some), plus the
follow-up records a running agent would hold for past interviews. Each size is planned 3
times; the median is printed. The plan must not grow faster than the interviews it covers.

Usage: .venv/bin/python benchmarks/plan_bench.py [--sizes 20,200,1000] [--profile N]
       [--state FILE]
  --profile N   print the top cProfile entries of one plan of N interviews
  --state FILE  also time reading and planning a real state file, opened as the agent opens
                it (it only reads; an older schema is migrated), with this script's time
                zone, addresses and clock, not the user's config
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from agent.businessdays import BusinessCalendar  # noqa: E402
from agent.config import (  # noqa: E402
    ActionItemConfig,
    CheckInConfig,
    FollowupsConfig,
    ThankYouConfig,
)
from agent.model import (  # noqa: E402
    Address,
    Deadline,
    FindingKind,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    Interview,
    InterviewFacts,
    MessageRecord,
    Person,
    PersonRole,
    Request,
)
from agent.planning.planner import Settings, World, plan  # noqa: E402
from agent.state.store import StateStore  # noqa: E402

NOW = datetime(2025, 3, 14, 17, 0, tzinfo=UTC)
ME = Address("Alex Rivera", "alex@example.com")
SETTINGS = Settings(
    me=frozenset({ME.email}),
    tz=ZoneInfo("America/New_York"),
    business=BusinessCalendar("US", None),
    followups=FollowupsConfig(
        default_interview_minutes=60,
        thank_you=ThankYouConfig(
            enabled=True, delay_minutes=30, due_hours=24, missed_after_hours=48
        ),
        action_item=ActionItemConfig(enabled=True, business_days_before=1, at=clock_time(8, 0)),
        check_in=CheckInConfig(
            enabled=True,
            after_timeline_business_days=2,
            default_business_days=7,
            max_count=2,
            at=clock_time(8, 0),
        ),
    ),
)
ATS = ("greenhouse.io", "lever.co", "ashbyhq.com")


def _message(
    mid: str,
    when: datetime,
    sender: Address,
    to: tuple[Address, ...],
    *,
    sent: bool = False,
    kind: FindingKind = FindingKind.REPLY,
    thread: str = "",
    **extra: object,
) -> MessageRecord:
    return MessageRecord(
        message_id=mid,
        date=when,
        from_=sender,
        to=to,
        subject="Interview",
        in_reply_to=thread,
        references=(thread,) if thread else (),
        is_sent=sent,
        kind=kind,
        **extra,  # type: ignore[arg-type]
    )


def world(size: int, seed: int = 1) -> World:
    """`size` interviews, ~6 messages each, and the records of the past ones."""
    rng = random.Random(seed)
    interviews: list[Interview] = []
    messages: list[MessageRecord] = []
    records: dict[str, FollowUpRecord] = {}
    company = 0
    while len(interviews) < size:
        company += 1
        domain = f"company{company}.{rng.choice(('com', 'io', 'ai'))}"
        recruiter = Address(f"Rec {company}", f"recruiter@{domain}")
        first = NOW - timedelta(days=rng.uniform(-14, 2 * 365))
        for round_ in range(min(rng.randint(1, 3), size - len(interviews))):
            iid = f"i{company}-{round_}"
            start = first + timedelta(days=7 * round_)
            interviewer = Address(f"Int {company} {round_}", f"int{round_}@{domain}")
            invite = f"<invite-{iid}@{domain}>"
            interviews.append(
                Interview(
                    id=iid,
                    first_seen=start - timedelta(days=5),
                    source="mail",
                    source_message_id=invite,
                    facts=InterviewFacts(
                        uid=f"uid-{iid}",
                        sequence=0,
                        stamp=None,
                        start=start,
                        end=start + timedelta(hours=1),
                        company=f"Company{company}",
                        role="Engineer",
                        people=(
                            Person(recruiter.name, recruiter.email, PersonRole.RECRUITER),
                            Person(interviewer.name, interviewer.email, PersonRole.INTERVIEWER),
                        ),
                        cancelled=rng.random() < 0.08,
                        company_domains=(domain,),
                    ),
                )
            )
            at = start - timedelta(days=5)
            ats = Address("", f"no-reply@{rng.choice(ATS)}")
            messages += [
                _message(invite, at, recruiter, (ME,), kind=FindingKind.INTERVIEW),
                _message(f"<ats-{iid}@ats>", at, ats, (ME,), company_domain=domain),
                _message(
                    f"<ok-{iid}@example.com>",
                    at + timedelta(hours=2),
                    ME,
                    (recruiter,),
                    sent=True,
                    thread=invite,
                ),
                _message(
                    f"<ty-{iid}@example.com>",
                    start + timedelta(hours=3),
                    ME,
                    (interviewer,),
                    sent=True,
                ),
                _message(
                    f"<next-{iid}@{domain}>",
                    start + timedelta(days=1),
                    recruiter,
                    (ME,),
                    thread=invite,
                    timeline=Deadline((start + timedelta(days=8)).date(), "by next week"),
                    requests=(
                        Request(
                            "send references",
                            Deadline((start + timedelta(days=4)).date(), "by Friday"),
                        ),
                    ),
                ),
                _message(
                    f"<ooo-{iid}@{domain}>",
                    start + timedelta(days=2),
                    recruiter,
                    (ME,),
                    kind=FindingKind.OUT_OF_OFFICE,
                    auto_reply=True,
                    back_on=(start + timedelta(days=12)).date(),
                ),
            ]
            if start + timedelta(hours=2) < NOW:
                key = f"thank_you/{iid}/{start:%Y%m%dT%H%M}/{interviewer.email}"
                records[key] = FollowUpRecord(
                    key=key,
                    interview_id=iid,
                    kind=FollowUpKind.THANK_YOU,
                    state=FollowUpState.SENT,
                    recipients=(interviewer,),
                    draft_at=start + timedelta(minutes=90),
                    placed_at=start + timedelta(hours=2),
                    sent_at=start + timedelta(hours=3),
                )
            if start + timedelta(days=14) < NOW:
                key = f"check_in/{iid}/1"
                records[key] = FollowUpRecord(
                    key=key,
                    interview_id=iid,
                    kind=FollowUpKind.CHECK_IN,
                    state=rng.choice(
                        (FollowUpState.SENT, FollowUpState.DISMISSED, FollowUpState.CANCELLED)
                    ),
                    recipients=(recruiter,),
                    draft_at=start + timedelta(days=12),
                    placed_at=start + timedelta(days=12),
                )
        if rng.random() < 0.5:
            decided = first + timedelta(days=rng.uniform(9, 40))
            if decided < NOW:
                messages.append(
                    _message(
                        f"<decision-{company}@{domain}>",
                        decided,
                        recruiter,
                        (ME,),
                        kind=rng.choice((FindingKind.REJECTION, FindingKind.OFFER)),
                    )
                )
    messages.sort(key=lambda m: m.date)
    return World(
        interviews=tuple(sorted(interviews, key=lambda i: i.start)),
        messages=tuple(messages),
        records=records,
    )


def seconds(w: World) -> float:
    started = time.perf_counter()
    plan(w, SETTINGS, NOW)
    return time.perf_counter() - started


def from_state(path: Path) -> None:
    state = StateStore.open(path)
    try:
        started = time.perf_counter()
        interviews = state.interviews()
        records = state.followups()
        messages = state.messages_around(interviews, records.values(), SETTINGS.me)
        read = time.perf_counter() - started
    finally:
        state.close()
    w = World(interviews=tuple(interviews), messages=tuple(messages), records=records)
    spent = statistics.median(seconds(w) for _ in range(3))
    print(
        f"{path}: {len(interviews):,} interviews, {len(messages):,} messages around them, "
        f"{len(records):,} records: read in {read:.4f} s, planned in {spent:.4f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000", help="comma-separated interview counts")
    parser.add_argument("--profile", type=int, help="profile one plan of this many interviews")
    parser.add_argument("--state", type=Path, help="also read and plan this state file")
    args = parser.parse_args()
    if args.profile:
        profiler = cProfile.Profile()
        w = world(args.profile)
        profiler.runcall(plan, w, SETTINGS, NOW)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    print(f"{'interviews':>10} {'messages':>9} {'records':>8} {'plan s':>9} {'ms/interview':>13}")
    for size in (int(s) for s in args.sizes.split(",")):
        w = world(size)
        spent = statistics.median(seconds(w) for _ in range(3))
        print(
            f"{size:>10,} {len(w.messages):>9,} {len(w.records):>8,} {spent:>9.4f} "
            f"{1000 * spent / size:>13.3f}"
        )
    if args.state:
        from_state(args.state)


if __name__ == "__main__":
    main()
