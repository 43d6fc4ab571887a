"""Lifecycles, pure: each interview's status and each application's stage, every stage and
every transition between them, as time passes and mail arrives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpers import examples
from hypothesis import given, settings
from test_planner import SETTINGS, interview, message, worlds

from agent.model import (
    Address,
    Deadline,
    FindingKind,
    FollowUpKind,
    Interview,
    InterviewStatus,
    MessageRecord,
)
from agent.planning.lifecycle import (
    Application,
    Relations,
    Stage,
    applications,
    group,
    interview_status,
    related,
    same_company,
)
from agent.planning.planner import World, plan

NY = ZoneInfo("America/New_York")
START = datetime(2026, 9, 29, 18, 0, tzinfo=UTC)  # Tue 2 pm New York, ends 3 pm
END = START + timedelta(hours=1)
CLOSE = 30


def stage_at(
    now: datetime,
    interviews: Sequence[Interview],
    messages: Sequence[MessageRecord] = (),
    ahead: dict[str, datetime] | None = None,
) -> Application:
    (only,) = applications(
        interviews,
        messages,
        now,
        tz=NY,
        default_minutes=60,
        close_after_days=CLOSE,
        ahead=ahead or {},
    )
    return only


def other_company(start: datetime, iid: str) -> Interview:
    base = interview(start, iid=iid)
    return replace(
        base,
        source_message_id=f"<{iid}@globex.com>",
        facts=replace(
            base.facts, company="Globex", company_domains=("globex.com",), uid=f"uid-{iid}"
        ),
    )


# --- interviews ---------------------------------------------------------------------------------


def test_interview_scheduled_then_done_or_cancelled() -> None:
    one = interview(START)
    assert interview_status(one, START - timedelta(days=1), 60) == InterviewStatus.SCHEDULED
    assert interview_status(one, START + timedelta(minutes=30), 60) == InterviewStatus.SCHEDULED
    assert interview_status(one, END, 60) == InterviewStatus.DONE
    gone = interview(START, cancelled=True)
    assert interview_status(gone, START - timedelta(days=1), 60) == InterviewStatus.CANCELLED
    assert interview_status(gone, END + timedelta(days=1), 60) == InterviewStatus.CANCELLED


def test_interview_without_end_lasts_the_default_length() -> None:
    one = interview(START)
    open_ended = replace(one, facts=replace(one.facts, end=None))
    assert interview_status(open_ended, START + timedelta(minutes=44), 45) == (
        InterviewStatus.SCHEDULED
    )
    assert interview_status(open_ended, START + timedelta(minutes=45), 45) == InterviewStatus.DONE


# --- applications: stages -----------------------------------------------------------------------


def test_interviewing_while_a_round_is_ahead_or_under_way() -> None:
    one = interview(START, first_seen=START - timedelta(days=6))
    app = stage_at(START - timedelta(days=2), [one])
    assert app.stage == Stage.INTERVIEWING
    assert app.since == START - timedelta(days=6)
    assert app.reason == "next interview Sep 29 14:00"
    assert stage_at(START + timedelta(minutes=59), [one]).stage == Stage.INTERVIEWING


def test_awaiting_a_decision_once_the_last_round_is_done() -> None:
    app = stage_at(END, [interview(START)])
    assert app.stage == Stage.AWAITING and app.since == END
    assert app.headline(NY) == "awaiting a decision since Sep 29"


def test_awaiting_names_the_timeline_the_company_gave() -> None:
    said = message(
        END + timedelta(hours=3), timeline=Deadline(date(2026, 10, 9), "by the end of next week")
    )
    app = stage_at(END + timedelta(days=1), [interview(START)], [said])
    assert app.stage == Stage.AWAITING
    assert app.headline(NY) == (
        "awaiting a decision since Sep 29 (Rachel wrote 'by the end of next week' on Sep 29)"
    )


def test_rejection_and_offer_are_decisions() -> None:
    no = message(END + timedelta(days=3), FindingKind.REJECTION, mid="<no@northwind.io>")
    app = stage_at(END + timedelta(days=4), [interview(START)], [no])
    assert (app.stage, app.since) == (Stage.REJECTED, no.date)
    assert app.headline(NY) == "rejected since Oct 2 (Rachel Kim declined on Oct 2)"
    yes = message(END + timedelta(days=5), FindingKind.OFFER, mid="<yes@northwind.io>")
    app = stage_at(END + timedelta(days=6), [interview(START)], [yes])
    assert (app.stage, app.since) == (Stage.OFFER, yes.date)
    assert app.reason == "offer received on Oct 4"


def test_a_decision_not_yet_received_does_not_count() -> None:
    no = message(END + timedelta(days=3), FindingKind.REJECTION, mid="<no@northwind.io>")
    assert stage_at(END + timedelta(days=2), [interview(START)], [no]).stage == Stage.AWAITING


def test_latest_decision_wins() -> None:
    no = message(END + timedelta(days=3), FindingKind.REJECTION, mid="<no@northwind.io>")
    yes = message(END + timedelta(days=5), FindingKind.OFFER, mid="<yes@northwind.io>")
    assert stage_at(END + timedelta(days=6), [interview(START)], [yes, no]).stage == Stage.OFFER


def test_closed_when_every_round_was_cancelled() -> None:
    app = stage_at(START - timedelta(days=1), [interview(START, cancelled=True)])
    assert (app.stage, app.since) == (Stage.CLOSED, None)
    assert app.headline(NY) == "closed (every interview was cancelled)"


def test_closed_after_a_long_silence() -> None:
    one = interview(START)
    assert stage_at(END + timedelta(days=CLOSE) - timedelta(seconds=1), [one]).stage == (
        Stage.AWAITING
    )
    app = stage_at(END + timedelta(days=CLOSE), [one])
    assert (app.stage, app.since) == (Stage.CLOSED, END + timedelta(days=CLOSE))
    assert app.reason == "no news for 30 days after Sep 29"


def test_out_of_office_is_not_news() -> None:
    ooo = replace(
        message(END + timedelta(days=10), FindingKind.OUT_OF_OFFICE, mid="<ooo@northwind.io>"),
        auto_reply=True,
    )
    assert stage_at(END + timedelta(days=CLOSE), [interview(START)], [ooo]).stage == Stage.CLOSED


# --- applications: transitions ------------------------------------------------------------------


def test_next_round_goes_back_to_interviewing_then_awaiting_again() -> None:
    first = interview(START)
    second = interview(START + timedelta(days=9), iid="n2", first_seen=END + timedelta(days=2))
    assert stage_at(END + timedelta(days=1), [first]).stage == Stage.AWAITING
    app = stage_at(END + timedelta(days=3), [first, second])
    assert (app.stage, app.since) == (Stage.INTERVIEWING, END + timedelta(days=2))
    assert app.interview_ids == ("n1", "n2")
    app = stage_at(END + timedelta(days=9), [first, second])
    assert (app.stage, app.since) == (Stage.AWAITING, END + timedelta(days=9))


def test_a_round_scheduled_after_a_rejection_reopens_the_application() -> None:
    no = message(END + timedelta(days=1), FindingKind.REJECTION, mid="<no@northwind.io>")
    again = interview(START + timedelta(days=20), iid="n2")
    assert stage_at(END + timedelta(days=2), [interview(START)], [no]).stage == Stage.REJECTED
    assert stage_at(END + timedelta(days=2), [interview(START), again], [no]).stage == (
        Stage.INTERVIEWING
    )


def test_a_cancelled_next_round_leaves_the_done_one_awaiting() -> None:
    second = interview(START + timedelta(days=9), iid="n2", cancelled=True)
    assert stage_at(END + timedelta(days=3), [interview(START), second]).stage == Stage.AWAITING


def test_a_rescheduled_round_after_a_cancellation_is_interviewing() -> None:
    gone = interview(START, cancelled=True)
    moved = interview(START + timedelta(days=7), iid="n2")
    assert stage_at(START + timedelta(days=1), [gone, moved]).stage == Stage.INTERVIEWING


def test_news_resets_the_silence() -> None:
    reply = message(END + timedelta(days=20), mid="<r@northwind.io>")
    mine = message(END + timedelta(days=25), sent=True, mid="<m@example.com>")
    one = [interview(START)]
    assert stage_at(END + timedelta(days=CLOSE + 1), one, [reply]).stage == Stage.AWAITING
    assert stage_at(END + timedelta(days=CLOSE + 21), one, [reply]).stage == Stage.CLOSED
    assert stage_at(END + timedelta(days=CLOSE + 21), one, [reply, mine]).stage == (Stage.AWAITING)


def test_a_stated_timeline_or_a_follow_up_ahead_keeps_it_open() -> None:
    said = message(
        END + timedelta(hours=2), timeline=Deadline(date(2026, 11, 20), "within six weeks")
    )
    one = [interview(START)]
    assert stage_at(END + timedelta(days=CLOSE + 1), one, [said]).stage == Stage.AWAITING
    ahead = {"n1": END + timedelta(days=40)}
    assert stage_at(END + timedelta(days=CLOSE + 1), one, ahead=ahead).stage == Stage.AWAITING
    assert stage_at(END + timedelta(days=CLOSE + 41), one, ahead=ahead).stage == Stage.CLOSED


# --- grouping -----------------------------------------------------------------------------------


def test_applications_group_interviews_by_company() -> None:
    first, second = interview(START), interview(START + timedelta(days=9), iid="n2")
    globex = other_company(START + timedelta(days=1), "g1")
    groups = group([second, globex, first])
    assert [[i.id for i in g] for g in groups] == [["n1", "n2"], ["g1"]]
    no = replace(
        message(END + timedelta(days=2), FindingKind.REJECTION, mid="<no@globex.com>"),
        from_=Address("Dana Whitfield", "dana@globex.com"),
    )
    result = applications(
        [first, second, globex],
        [no],
        END + timedelta(days=3),
        tz=NY,
        default_minutes=60,
        close_after_days=CLOSE,
        ahead={},
    )
    assert [(a.company, a.stage) for a in result] == [
        ("Northwind", Stage.INTERVIEWING),
        ("Globex", Stage.REJECTED),
    ]


def test_same_name_joins_interviews_with_different_domains() -> None:
    first = interview(START)
    agency = replace(interview(START + timedelta(days=3), iid="n2"), source_message_id="")
    agency = replace(
        agency, facts=replace(agency.facts, company_domains=("ats.example",), people=())
    )
    assert [[i.id for i in g] for g in group([first, agency])] == [["n1", "n2"]]


def _grouped_pairwise(interviews: Sequence[Interview]) -> list[list[Interview]]:
    """`group` as first written: each interview compared with every group so far."""
    groups: list[list[Interview]] = []
    for one in sorted(interviews, key=lambda i: (i.start, i.id)):
        joined = [g for g in groups if any(same_company(one, o) for o in g)]
        merged = [one]
        for g in joined:
            merged.extend(g)
            groups.remove(g)
        groups.append(sorted(merged, key=lambda i: (i.start, i.id)))
    return sorted(groups, key=lambda g: (g[0].start, g[0].id))


@settings(max_examples=examples(200), deadline=None)
@given(worlds())
def test_indexed_relations_and_groups_equal_the_scans(world: World) -> None:
    relations = Relations(world.messages)
    for one in world.interviews:
        for sent in (False, True):
            assert relations.related(one, sent=sent) == related(one, world.messages, sent=sent)
    assert group(world.interviews) == _grouped_pairwise(world.interviews)


# --- in the plan --------------------------------------------------------------------------------


def test_plan_carries_the_stage_and_a_planned_check_in_keeps_it_open() -> None:
    world = World(interviews=(interview(START),), messages=())
    result = plan(world, SETTINGS, END + timedelta(days=1))
    app = result.application_of("n1")
    assert app is not None and app.stage == Stage.AWAITING
    check = next(f for f in result.followups if f.kind == FollowUpKind.CHECK_IN)
    late = replace(SETTINGS, followups=replace(SETTINGS.followups, close_after_days=5))
    app = plan(world, late, check.draft_at - timedelta(days=1)).application_of("n1")
    assert app is not None and app.stage == Stage.AWAITING
    assert plan(world, SETTINGS, END + timedelta(days=90)).applications[0].stage == Stage.CLOSED
