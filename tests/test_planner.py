"""Planner properties (hypothesis) and table tests: the pure core, no I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from helpers import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agent.businessdays import BusinessCalendar
from agent.config import ActionItemConfig, CheckInConfig, FollowupsConfig, ThankYouConfig
from agent.model import (
    Address,
    Deadline,
    FindingKind,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    Interview,
    InterviewFacts,
    MessageRecord,
    Note,
    Person,
    PersonRole,
    Request,
)
from agent.placing.placer import record_of
from agent.planning.lifecycle import Relations, related, same_company
from agent.planning.planner import (
    PlaceDraft,
    Planner,
    Records,
    RecordState,
    RetireDraft,
    Settings,
    World,
    plan,
    unchanged_until,
)

NY = ZoneInfo("America/New_York")
ME = frozenset({"alex@example.com"})
FOLLOWUPS = FollowupsConfig(
    default_interview_minutes=60,
    thank_you=ThankYouConfig(enabled=True, delay_minutes=30, due_hours=24, missed_after_hours=48),
    action_item=ActionItemConfig(enabled=True, business_days_before=1, at=time(8, 0)),
    check_in=CheckInConfig(
        enabled=True,
        after_timeline_business_days=2,
        default_business_days=7,
        max_count=2,
        at=time(8, 0),
    ),
)
SETTINGS = Settings(me=ME, tz=NY, business=BusinessCalendar("US", None), followups=FOLLOWUPS)
RACHEL = Address("Rachel Kim", "rachel@northwind.io")


def interview(
    start: datetime,
    *,
    first_seen: datetime | None = None,
    cancelled: bool = False,
    iid: str = "n1",
    notes: tuple[Note, ...] = (),
) -> Interview:
    return Interview(
        id=iid,
        first_seen=first_seen or start - timedelta(days=5),
        source="mail",
        source_message_id="<invite@northwind.io>",
        notes=notes,
        facts=InterviewFacts(
            uid=f"uid-{iid}",
            sequence=0,
            stamp=None,
            start=start,
            end=start + timedelta(hours=1),
            company="Northwind",
            role="Backend Engineer",
            people=(
                Person("Rachel Kim", "rachel@northwind.io", PersonRole.RECRUITER),
                Person("Oliver Grant", "oliver@northwind.io", PersonRole.INTERVIEWER),
                Person("Priya Shah", "priya@northwind.io", PersonRole.INTERVIEWER),
            ),
            cancelled=cancelled,
            company_domains=("northwind.io",),
        ),
    )


def message(
    when: datetime,
    kind: FindingKind = FindingKind.REPLY,
    *,
    sent: bool = False,
    timeline: Deadline | None = None,
    requests: tuple[Request, ...] = (),
    mid: str = "<m@northwind.io>",
    attachment: bool = False,
    to: tuple[Address, ...] = (),
) -> MessageRecord:
    return MessageRecord(
        message_id=mid,
        date=when,
        from_=Address("Alex Rivera", "alex@example.com") if sent else RACHEL,
        to=to or ((RACHEL,) if sent else (Address("Alex", "alex@example.com"),)),
        subject="Next steps",
        in_reply_to="",
        references=(),
        is_sent=sent,
        kind=kind,
        has_attachment=attachment,
        timeline=timeline,
        requests=requests,
    )


def simulate(world: World, times: list[datetime]) -> tuple[dict[str, FollowUpRecord], list[str]]:
    """Run the planner at each time and apply its actions as the executor would."""
    records = dict(world.records)
    placed: list[str] = []
    for now in times:
        result = plan(replace(world, records=dict(records)), SETTINGS, now)
        for action in result.actions:
            if isinstance(action, PlaceDraft):
                f = action.followup
                assert records.get(f.key) is None or records[f.key].state == FollowUpState.PLANNED
                placed.append(f.key)
                records[f.key] = FollowUpRecord(
                    key=f.key,
                    interview_id=f.interview_id,
                    kind=f.kind,
                    state=FollowUpState.DRAFTED,
                    recipients=f.to,
                    draft_at=f.draft_at,
                    due=f.due,
                    reason=f.reason,
                    placed_at=now,
                )
            elif isinstance(action, RecordState):
                f = action.followup
                old = records.get(f.key)
                if (
                    old is None
                    or old.state == FollowUpState.PLANNED
                    or (old.state == FollowUpState.CANCELLED)
                ):
                    records[f.key] = FollowUpRecord(
                        key=f.key,
                        interview_id=f.interview_id,
                        kind=f.kind,
                        state=f.state,
                        recipients=f.to,
                        draft_at=f.draft_at,
                        due=f.due,
                        reason=f.reason,
                    )
            elif isinstance(action, RetireDraft):
                records[action.record.key] = replace(action.record, state=FollowUpState.RETIRED)
    return records, placed


START = datetime(2026, 9, 29, 18, 0, tzinfo=UTC)  # Tue 2 pm New York


def test_thank_you_per_interviewer_placed_30_minutes_after_the_end() -> None:
    world = World(interviews=(interview(START),), messages=())
    before = plan(world, SETTINGS, START + timedelta(minutes=89))
    assert not [a for a in before.actions if isinstance(a, PlaceDraft)]
    after = plan(world, SETTINGS, START + timedelta(minutes=90))
    places = [a.followup for a in after.actions if isinstance(a, PlaceDraft)]
    assert sorted(a.to[0].email for a in places) == ["oliver@northwind.io", "priya@northwind.io"]
    assert all(f.due == START + timedelta(hours=25) for f in places)


def test_thank_you_to_recruiter_naming_interviewers_without_addresses() -> None:
    base = interview(START)
    people = (
        Person("Rachel Kim", "rachel@northwind.io", PersonRole.RECRUITER),
        Person("Oliver Grant", "", PersonRole.INTERVIEWER),
    )
    world = World(
        interviews=(replace(base, facts=replace(base.facts, people=people)),), messages=()
    )
    result = plan(world, SETTINGS, START + timedelta(hours=2))
    places = [a.followup for a in result.actions if isinstance(a, PlaceDraft)]
    assert [f.to[0].email for f in places] == ["rachel@northwind.io"]
    assert places[0].named == ("Oliver Grant",)


def test_thank_you_missed_when_first_seen_two_days_after() -> None:
    world = World(
        interviews=(interview(START, first_seen=START + timedelta(hours=50)),), messages=()
    )
    result = plan(world, SETTINGS, START + timedelta(hours=50))
    states = {f.state for f in result.followups if f.kind == FollowUpKind.THANK_YOU}
    assert states == {FollowUpState.MISSED}
    assert not [a for a in result.actions if isinstance(a, PlaceDraft)]


def test_thank_you_skipped_when_user_already_wrote() -> None:
    wrote = message(
        START + timedelta(hours=3),
        sent=True,
        mid="<s@example.com>",
        to=(Address("Oliver", "oliver@northwind.io"),),
    )
    world = World(interviews=(interview(START),), messages=(wrote,))
    result = plan(world, SETTINGS, START + timedelta(hours=4))
    by_to = {f.to[0].email: f.state for f in result.followups if f.kind == "thank_you"}
    assert by_to == {
        "oliver@northwind.io": FollowUpState.SENT,
        "priya@northwind.io": FollowUpState.PLANNED,
    }


def test_cancelled_interview_gets_nothing_and_drafted_thank_you_retired() -> None:
    world = World(interviews=(interview(START, cancelled=True),), messages=())
    records, placed = simulate(world, [START + timedelta(hours=h) for h in range(0, 300, 6)])
    assert placed == []
    assert {r.state for r in records.values()} <= {FollowUpState.CANCELLED}


def test_decision_before_the_thank_you_is_placed_cancels_it() -> None:
    for kind, words in ((FindingKind.REJECTION, "declined on"), (FindingKind.OFFER, "offer")):
        decided = message(START + timedelta(minutes=75), kind, mid="<d@northwind.io>")
        world = World(interviews=(interview(START),), messages=(decided,))
        records, placed = simulate(world, [START + timedelta(hours=h) for h in range(2, 200, 6)])
        assert placed == []
        thanks = [r for r in records.values() if r.kind == FollowUpKind.THANK_YOU]
        assert len(thanks) == 2
        assert all(r.state == FollowUpState.CANCELLED and words in r.reason for r in thanks)


def test_decision_after_the_thank_you_was_placed_leaves_it() -> None:
    no = message(START + timedelta(hours=5), FindingKind.REJECTION, mid="<no@northwind.io>")
    world = World(interviews=(interview(START),), messages=())
    records, placed = simulate(world, [START + timedelta(minutes=95)])
    assert len(placed) == 2
    records, placed = simulate(
        replace(world, messages=(no,), records=records),
        [START + timedelta(hours=h) for h in range(6, 400, 6)],
    )
    assert placed == []
    assert {r.state for r in records.values() if r.kind == FollowUpKind.THANK_YOU} == {
        FollowUpState.DRAFTED
    }


def test_check_in_follows_stated_timeline_plus_two_business_days() -> None:
    said = message(
        datetime(2026, 9, 29, 21, 40, tzinfo=UTC),
        timeline=Deadline(date(2026, 10, 9), "by the end of next week"),
    )
    world = World(interviews=(interview(START),), messages=(said,))
    result = plan(world, SETTINGS, START + timedelta(days=1))
    check = [f for f in result.followups if f.kind == FollowUpKind.CHECK_IN]
    # Fri Oct 9 + 2 business days: Mon Oct 12 is Columbus Day, so Wed Oct 14 08:00 New York.
    assert check[0].draft_at == datetime(2026, 10, 14, 8, 0, tzinfo=NY)
    assert "by the end of next week" in check[0].reason and "Sep 29" in check[0].reason


def test_check_in_without_timeline_seven_business_days_after_last_exchange() -> None:
    world = World(interviews=(interview(START),), messages=())
    result = plan(world, SETTINGS, START + timedelta(days=1))
    check = next(f for f in result.followups if f.kind == FollowUpKind.CHECK_IN)
    assert check.draft_at == datetime(2026, 10, 8, 8, 0, tzinfo=NY)  # Sep 29 + 7 business days
    assert check.to == (RACHEL,)


def test_reply_resets_clock_and_rejection_stops_everything() -> None:
    reply = message(datetime(2026, 10, 5, 15, 0, tzinfo=UTC), mid="<r1@northwind.io>")
    world = World(interviews=(interview(START),), messages=(reply,))
    check = next(
        f
        for f in plan(world, SETTINGS, START + timedelta(days=7)).followups
        if f.kind == FollowUpKind.CHECK_IN
    )
    assert check.draft_at.date() == date(2026, 10, 15)  # Oct 5 + 7 business days (Oct 12 off)
    rejection = message(
        datetime(2026, 10, 6, 15, 0, tzinfo=UTC), FindingKind.REJECTION, mid="<no@northwind.io>"
    )
    world = World(interviews=(interview(START),), messages=(reply, rejection))
    times = [START + timedelta(hours=h) for h in range(2, 24 * 40, 8)]
    _records, placed = simulate(world, times)
    assert not [k for k in placed if not k.startswith("thank_you")]


def test_out_of_office_moves_check_in_to_return_date() -> None:
    ooo = replace(
        message(
            datetime(2026, 10, 1, 15, 0, tzinfo=UTC),
            FindingKind.OUT_OF_OFFICE,
            mid="<ooo@northwind.io>",
        ),
        auto_reply=True,
        back_on=date(2026, 10, 20),
    )
    world = World(interviews=(interview(START),), messages=(ooo,))
    check = next(
        f
        for f in plan(world, SETTINGS, START + timedelta(days=3)).followups
        if f.kind == FollowUpKind.CHECK_IN
    )
    assert check.draft_at == datetime(2026, 10, 20, 8, 0, tzinfo=NY)


def test_action_item_one_business_day_before_and_skipped_when_answered() -> None:
    asked = message(
        datetime(2026, 9, 29, 21, 40, tzinfo=UTC),
        mid="<ask@northwind.io>",
        requests=(Request("send your references", Deadline(date(2026, 10, 2), "by Friday")),),
    )
    world = World(interviews=(interview(START),), messages=(asked,))
    result = plan(world, SETTINGS, datetime(2026, 10, 1, 12, 5, tzinfo=UTC))
    item = next(f for f in result.followups if f.kind == FollowUpKind.ACTION_ITEM)
    assert item.draft_at == datetime(2026, 10, 1, 8, 0, tzinfo=NY)
    assert item.in_reply_to == "<ask@northwind.io>" and item.to == (RACHEL,)
    answered = replace(
        message(
            datetime(2026, 9, 30, 14, 0, tzinfo=UTC),
            sent=True,
            mid="<ans@example.com>",
            attachment=True,
        ),
        references=("<ask@northwind.io>",),
    )
    world = World(interviews=(interview(START),), messages=(asked, answered))
    result = plan(world, SETTINGS, datetime(2026, 10, 1, 12, 5, tzinfo=UTC))
    item = next(f for f in result.followups if f.kind == FollowUpKind.ACTION_ITEM)
    assert item.state == FollowUpState.SENT


def test_promise_note_becomes_action_item() -> None:
    note = Note("send my portfolio", promise_due=date(2026, 10, 9))
    world = World(interviews=(interview(START, notes=(note,)),), messages=())
    item = next(
        f for f in plan(world, SETTINGS, START).followups if f.kind == FollowUpKind.ACTION_ITEM
    )
    assert item.draft_at == datetime(2026, 10, 8, 8, 0, tzinfo=NY)
    assert item.what == "send my portfolio"


def test_second_check_in_counts_from_the_sent_first_one_and_max_two() -> None:
    world = World(interviews=(interview(START),), messages=())
    times = [START + timedelta(hours=h) for h in range(2, 24 * 60, 6)]
    records, placed = simulate(world, times)
    assert [k for k in placed if k.startswith("check_in")] == ["check_in/n1/1"]  # never sent
    first = replace(
        records["check_in/n1/1"],
        state=FollowUpState.SENT,
        sent_at=datetime(2026, 10, 9, 14, 0, tzinfo=UTC),
    )
    world = replace(world, records={**records, "check_in/n1/1": first})
    records, placed = simulate(world, times)
    second = records["check_in/n1/2"]
    assert second.draft_at == datetime(2026, 10, 21, 8, 0, tzinfo=NY)  # Oct 9 + 7 bd, Oct 12 off
    third = replace(second, state=FollowUpState.SENT, sent_at=datetime(2026, 10, 21, tzinfo=UTC))
    world = replace(world, records={**records, "check_in/n1/2": third})
    _, placed = simulate(world, times)
    assert not [k for k in placed if k.startswith("check_in")]


def test_after_a_sent_check_in_the_spent_timeline_no_longer_counts() -> None:
    said = message(
        datetime(2026, 9, 30, 15, 0, tzinfo=UTC),
        mid="<t@northwind.io>",
        timeline=Deadline(date(2026, 10, 9), "by the end of next week"),
    )
    world = World(interviews=(interview(START),), messages=(said,))
    times = [START + timedelta(hours=h) for h in range(2, 24 * 40, 6)]
    records, placed = simulate(world, times)
    assert [k for k in placed if k.startswith("check_in")] == ["check_in/n1/1"]
    assert records["check_in/n1/1"].draft_at == datetime(2026, 10, 14, 8, 0, tzinfo=NY)
    first = replace(
        records["check_in/n1/1"],
        state=FollowUpState.SENT,
        sent_at=datetime(2026, 10, 14, 14, 0, tzinfo=UTC),
    )
    records, placed = simulate(replace(world, records={**records, "check_in/n1/1": first}), times)
    assert placed == ["check_in/n1/2"]  # 7 business days after the sent one, not at once
    assert records["check_in/n1/2"].draft_at == datetime(2026, 10, 23, 8, 0, tzinfo=NY)
    assert "no news since Oct 14" in records["check_in/n1/2"].reason
    by_hand = message(datetime(2026, 10, 12, 14, 0, tzinfo=UTC), sent=True, mid="<h@ex.com>")
    world = replace(world, messages=(said, by_hand))
    check = next(
        f
        for f in plan(world, SETTINGS, START + timedelta(days=14)).followups
        if f.kind == FollowUpKind.CHECK_IN
    )
    assert check.draft_at == datetime(2026, 10, 21, 8, 0, tzinfo=NY)  # Oct 12 + 7 bd


def test_next_round_stops_previous_check_ins() -> None:
    later = interview(START + timedelta(days=9), iid="n2")
    world = World(interviews=(interview(START), later), messages=())
    records, placed = simulate(world, [START + timedelta(hours=h) for h in range(2, 24 * 30, 6)])
    assert "check_in/n1/1" not in placed
    assert records["check_in/n1/1"].state == FollowUpState.CANCELLED


moments = st.integers(min_value=-24 * 60, max_value=24 * 60 * 50).map(
    lambda minutes: START + timedelta(minutes=minutes)
)


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(moments, min_size=1, max_size=25),
    st.sampled_from([None, FindingKind.REJECTION, FindingKind.OFFER, FindingKind.REPLY]),
    st.integers(min_value=0, max_value=24 * 30),
)
def test_planner_invariants(
    times: list[datetime], event: FindingKind | None, event_hours: int
) -> None:
    messages: tuple[MessageRecord, ...] = ()
    event_at = START + timedelta(hours=event_hours)
    if event is not None:
        messages = (message(event_at, event, mid="<e@northwind.io>"),)
    world = World(interviews=(interview(START),), messages=messages)
    ordered = sorted(times)
    records, placed = simulate(world, ordered)
    # At most one draft per key, ever, whatever the order of passes.
    assert len(placed) == len(set(placed))
    for key in placed:
        record = records[key]
        assert record.placed_at is not None
        if record.kind == FollowUpKind.THANK_YOU:
            assert record.placed_at >= START + timedelta(minutes=90)
        if record.kind == FollowUpKind.CHECK_IN:
            local = record.draft_at.astimezone(NY) if record.draft_at else None
            assert local is not None and local.time() >= time(8, 0)
            assert SETTINGS.business.is_business_day(local.date())
            if event in (FindingKind.REJECTION, FindingKind.OFFER):
                assert record.placed_at < event_at
    # Advancing the clock never un-drafts.
    again, placed_again = simulate(
        replace(world, records=records),
        ordered[-1:] + [ordered[-1] + timedelta(days=d) for d in range(1, 5)],
    )
    assert not set(placed_again) & set(placed)
    for key in placed:
        assert again[key].state in (FollowUpState.DRAFTED, FollowUpState.RETIRED)


# --- the indexed planner decides what scanning every message decides ----------------------------

DOMAINS = ("northwind.io", "globex.com", "greenhouse.io", "")
EMAILS = (
    "rachel@northwind.io",
    "oliver@northwind.io",
    "hr@globex.com",
    "no-reply@globex.com",
    "x@greenhouse.io",
    "alex@example.com",
    "nodomain",
    "",
)
MIDS = ("<a@northwind.io>", "<b@globex.com>", "<c@example.com>", "")
hours = st.integers(min_value=-24 * 10, max_value=24 * 40).map(lambda h: START + timedelta(hours=h))
addresses = st.sampled_from(EMAILS).map(lambda e: Address(e.split("@")[0].title(), e))
deadlines = st.builds(
    Deadline, st.dates(date(2026, 9, 20), date(2026, 11, 20)), st.just("by Friday")
)


@st.composite
def interviews(draw: st.DrawFn, iid: str) -> Interview:
    start = draw(hours)
    return Interview(
        id=iid,
        first_seen=start - timedelta(hours=draw(st.integers(-60, 200))),
        source="mail",
        source_message_id=draw(st.sampled_from(MIDS)),
        notes=tuple(
            draw(st.lists(st.builds(Note, st.sampled_from(("send slides", "code"))), max_size=1))
        )
        + tuple(
            draw(
                st.lists(
                    st.builds(Note, st.just("portfolio"), deadlines.map(lambda d: d.day)),
                    max_size=1,
                )
            )
        ),
        facts=InterviewFacts(
            uid=f"uid-{iid}",
            sequence=0,
            stamp=None,
            start=start,
            end=start + timedelta(minutes=draw(st.sampled_from((-5, 30, 60)))),
            company=draw(st.sampled_from(("Northwind", "northwind", "Globex", ""))),
            role="Engineer",
            people=tuple(
                Person(a.name, a.email, role)
                for a, role in draw(
                    st.lists(st.tuples(addresses, st.sampled_from(PersonRole)), max_size=3)
                )
            ),
            cancelled=draw(st.booleans()),
            company_domains=tuple(
                draw(st.lists(st.sampled_from(DOMAINS), max_size=2, unique=True))
            ),
        ),
    )


messages_st = st.builds(
    MessageRecord,
    message_id=st.sampled_from(MIDS),
    date=hours,
    from_=addresses,
    to=st.lists(addresses, max_size=2).map(tuple),
    subject=st.just("Interview"),
    in_reply_to=st.sampled_from(MIDS),
    references=st.lists(st.sampled_from(MIDS), max_size=2).map(tuple),
    is_sent=st.booleans(),
    kind=st.sampled_from(FindingKind),
    has_attachment=st.booleans(),
    auto_reply=st.booleans(),
    timeline=st.none() | deadlines,
    requests=st.lists(
        st.builds(Request, st.sampled_from(("send references", "a test")), deadlines), max_size=2
    ).map(tuple),
    back_on=st.none() | st.dates(date(2026, 9, 20), date(2026, 11, 20)),
    company_domain=st.sampled_from(DOMAINS),
)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """Small worlds where companies share domains, names, people and threads."""
    found = tuple(draw(interviews(f"i{n}")) for n in range(draw(st.integers(1, 5))))
    records: dict[str, FollowUpRecord] = {}
    for one in found:
        for key, kind in (
            (
                f"thank_you/{one.id}/{one.start:%Y%m%dT%H%M}/oliver@northwind.io",
                FollowUpKind.THANK_YOU,
            ),
            (f"thank_you/{one.id}/20260101T0900/hr@globex.com", FollowUpKind.THANK_YOU),
            (f"thank_you/{one.id}/20251231T0900/hr@globex.com", FollowUpKind.THANK_YOU),
            (f"check_in/{one.id}/1", FollowUpKind.CHECK_IN),
            (f"check_in/{one.id}/2", FollowUpKind.CHECK_IN),
        ):
            if draw(st.booleans()):
                records[key] = FollowUpRecord(
                    key=key,
                    interview_id=one.id,
                    kind=kind,
                    state=draw(st.sampled_from(FollowUpState)),
                    draft_at=draw(hours),
                    placed_at=draw(st.none() | hours),
                    sent_at=draw(st.none() | hours),
                )
    return World(
        interviews=found,
        messages=tuple(draw(st.lists(messages_st, max_size=10))),
        records=dict(draw(st.permutations(list(records.items())))),
    )


class _Scanning(Relations):
    def related(self, interview: Interview, *, sent: bool) -> list[MessageRecord]:
        return related(interview, self.messages, sent=sent)

    def involving(self, email: str) -> list[MessageRecord]:
        return [
            m
            for m in self.messages
            if m.from_.email == email or any(a.email == email for a in m.to)
        ]


class _ScanningRecords(Records):
    def starting(self, prefix: str) -> list[tuple[str, FollowUpRecord]]:
        return [(k, r) for k, r in self._records.items() if k.startswith(prefix)]


class _Straightforward(Planner):
    """The planner as first written: every question answered by a scan of everything."""

    def __init__(self, world: World, settings: Settings, now: datetime) -> None:
        super().__init__(world, settings, now)
        self.relations = _Scanning(world.messages)
        self.records = _ScanningRecords(world.records)

    def same_company_as(self, interview: Interview) -> list[Interview]:
        return [o for o in self.world.interviews if same_company(interview, o)]

    def owners(self) -> dict[str, str]:
        owner: dict[str, str] = {}
        ordered = sorted(self.world.interviews, key=lambda i: i.start)
        for m in self.world.messages:
            if m.is_sent or not m.requests:
                continue
            mine = [i for i in ordered if m in self.related(i, sent=False)]
            if mine:
                before = [i for i in mine if i.start <= m.date]
                owner[m.message_id] = (before[-1] if before else mine[0]).id
        return owner


@settings(max_examples=examples(300), deadline=None)
@given(worlds(), hours)
def test_indexed_plan_equals_the_straightforward_one(world: World, now: datetime) -> None:
    assert plan(world, SETTINGS, now) == _Straightforward(world, SETTINGS, now).plan()


# --- a plan with nothing left to do holds until the moment planning names ------------------------


def _settled(world: World, now: datetime) -> World:
    """The world after passes at `now` carried out their actions the way `Placer` does."""
    records = dict(world.records)
    refused = (
        FollowUpState.DRAFTED,
        FollowUpState.SENT,
        FollowUpState.DISMISSED,
        FollowUpState.RETIRED,
        FollowUpState.STALE,
    )
    for _ in range(3):
        for action in plan(replace(world, records=dict(records)), SETTINGS, now).actions:
            if isinstance(action, RetireDraft):
                records[action.record.key] = replace(action.record, state=FollowUpState.RETIRED)
                continue
            key, previous = action.followup.key, records.get(action.followup.key)
            if isinstance(action, PlaceDraft):
                if previous is None or previous.state in (
                    FollowUpState.PLANNED,
                    FollowUpState.CANCELLED,
                ):
                    records[key] = replace(
                        record_of(action.followup, previous),
                        state=FollowUpState.DRAFTED,
                        placed_at=now,
                    )
            elif (
                previous is None
                or previous.state not in refused
                or (previous.state == action.followup.state)
            ):
                records[key] = record_of(action.followup, previous)
    return replace(world, records=records)


def _decisions(planned: object) -> list[tuple[str, ...]]:
    """What executing a plan would do, without the fields a cancellation copies from `now`."""
    assert hasattr(planned, "actions")
    found: list[tuple[str, ...]] = []
    for action in planned.actions:
        if isinstance(action, RetireDraft):
            found.append(("retire", action.record.key, action.reason))
        else:
            f = action.followup
            found.append((type(action).__name__, f.key, str(f.state), f.reason))
    return sorted(found)


@settings(max_examples=examples(300), deadline=None)
@given(worlds(), hours, st.lists(st.floats(0, 1, exclude_max=True), max_size=6))
def test_a_settled_plan_holds_until_the_moment_planning_names(
    world: World, now: datetime, fractions: list[float]
) -> None:
    world = _settled(world, now)
    planned = plan(world, SETTINGS, now)
    assume(not any(isinstance(a, PlaceDraft | RetireDraft) for a in planned.actions))
    limit = now + timedelta(days=60)
    until = unchanged_until(world, SETTINGS, planned, now, limit)
    assert now < until <= limit
    last = until - timedelta(microseconds=1)
    for t in [now, last, *(min(now + (until - now) * f, last) for f in fractions)]:
        assert _decisions(plan(world, SETTINGS, t)) == _decisions(planned), t


def test_the_moment_named_is_the_next_draft_or_interview_end() -> None:
    world = World(interviews=(interview(START),), messages=())
    before = START - timedelta(days=1)
    planned = plan(world, SETTINGS, before)
    limit = before + timedelta(days=30)
    assert unchanged_until(world, SETTINGS, planned, before, limit) == START + timedelta(hours=1)
    after_end = START + timedelta(hours=1, minutes=5)
    planned = plan(world, SETTINGS, after_end)
    until = unchanged_until(world, SETTINGS, planned, after_end, limit)
    assert until == START + timedelta(hours=1, minutes=30)  # the thank-yous' draft time
    assert unchanged_until(
        world, SETTINGS, planned, after_end, after_end + timedelta(minutes=1)
    ) == after_end + timedelta(minutes=1)
