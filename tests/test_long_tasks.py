"""Tasks that take days (issue 15, item 5): an acknowledgement on the day a take-home or a
far-off request arrives and a progress update at its business-day midpoint, with the action
item's lifecycle. Pure planner and composer tests; the same helpers as test_planner."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from test_planner import NY, RACHEL, SETTINGS, START, interview, message
from test_planner import simulate as simulate_all

from agent.compose import Sender, environment, render
from agent.model import (
    Deadline,
    FollowUpKind,
    FollowUpRecord,
    FollowUpState,
    MessageRecord,
    Request,
)
from agent.planning.planner import FollowUp, PlaceDraft, RetireDraft, World, plan

TAKE_HOME = "complete the take-home exercise (link below) and submit it"
ASKED = datetime(2026, 9, 29, 21, 40, tzinfo=UTC)  # Tue Sep 29, 17:40 in New York
DUE = date(2026, 10, 8)  # Thu: 7 business days later
ACK_AT = ASKED
MIDPOINT = datetime(2026, 10, 2, 8, 0, tzinfo=NY)  # 3 business days after the request
ITEM_AT = datetime(2026, 10, 7, 8, 0, tzinfo=NY)


def request(
    what: str = TAKE_HOME, due: date = DUE, when: datetime = ASKED, mid: str = "<ask@northwind.io>"
) -> MessageRecord:
    return message(when, mid=mid, requests=(Request(what, Deadline(due, "by October 8")),))


def reply(when: datetime, *, attachment: bool = False, sent: bool = True) -> MessageRecord:
    return replace(
        message(when, sent=sent, mid=f"<r{when:%d%H%M}@example.com>", attachment=attachment),
        references=("<ask@northwind.io>",),
    )


def simulate(world: World, times: list[datetime]) -> tuple[dict[str, FollowUpRecord], list[str]]:
    """test_planner's executor, with only the action items' placements."""
    records, placed = simulate_all(world, times)
    return records, [key for key in placed if key.startswith("action_item/")]


def hours(first: datetime, last: datetime) -> list[datetime]:
    step, found = first, []
    while step <= last:
        found.append(step)
        step += timedelta(hours=1)
    return found


def stages(result_followups: tuple[FollowUp, ...] | list[FollowUp]) -> dict[str, FollowUp]:
    return {f.stage or "item": f for f in result_followups if f.kind == FollowUpKind.ACTION_ITEM}


def test_a_take_home_due_in_seven_business_days_is_acknowledged_then_updated_at_the_midpoint() -> (
    None
):
    world = World(interviews=(interview(START),), messages=(request(),))
    found = stages(plan(world, SETTINGS, ASKED).followups)
    ack, progress, item = found["ack"], found["progress"], found["item"]
    assert ack.key == item.key + "/ack" and progress.key == item.key + "/progress"
    assert ack.draft_at == ACK_AT  # arrived after 08:00: as soon as it is read
    assert progress.draft_at == MIDPOINT and item.draft_at == ITEM_AT
    assert ack.to == progress.to == (RACHEL,)
    assert ack.in_reply_to == progress.in_reply_to == "<ask@northwind.io>"
    assert ack.due == progress.due == item.due  # the promised date, as status shows it
    assert ack.reason.startswith("acknowledges Rachel's request to 'complete the take-home")
    assert ack.reason.endswith("due Thu Oct 8")
    assert progress.reason.startswith("progress update halfway to Thu Oct 8")

    records, placed = simulate(world, [ASKED])
    assert placed == [ack.key]
    # the user sends it (their client keeps the draft's date as it saw it sent)
    sent_at = datetime(2026, 9, 29, 22, 30, tzinfo=UTC)
    records[ack.key] = replace(records[ack.key], state=FollowUpState.SENT, sent_at=sent_at)
    world = replace(world, messages=(request(), reply(sent_at)), records=records)
    records, placed = simulate(world, hours(sent_at, datetime(2026, 10, 8, 23, 0, tzinfo=UTC)))
    assert placed == [progress.key, item.key]
    placed_at = records[progress.key].placed_at
    assert placed_at is not None and MIDPOINT <= placed_at < MIDPOINT + timedelta(hours=1)
    assert stages(plan(world, SETTINGS, sent_at).followups)["item"].state == FollowUpState.PLANNED


def test_a_request_that_arrives_before_the_morning_time_is_acknowledged_at_it() -> None:
    early = datetime(2026, 9, 30, 10, 15, tzinfo=UTC)  # 06:15 in New York
    world = World(interviews=(interview(START),), messages=(request(when=early),))
    ack = stages(plan(world, SETTINGS, early).followups)["ack"]
    assert ack.draft_at == datetime(2026, 9, 30, 8, 0, tzinfo=NY)


def test_a_request_due_in_two_business_days_gets_neither() -> None:
    refs = request("send your references", date(2026, 10, 1))
    found = stages(plan(World((interview(START),), (refs,)), SETTINGS, ASKED).followups)
    assert set(found) == {"item"}
    # a take-home always gets its acknowledgement, but no room for an update before its draft
    short = request(due=date(2026, 10, 1))
    found = stages(plan(World((interview(START),), (short,)), SETTINGS, ASKED).followups)
    assert set(found) == {"item", "ack"}


def test_a_far_request_answered_in_one_message_gets_neither() -> None:
    times = request("share your availability for a final round", DUE)
    found = stages(plan(World((interview(START),), (times,)), SETTINGS, ASKED).followups)
    assert set(found) == {"item"}


def test_a_no_reply_requester_gets_neither() -> None:
    ats = replace(request(), from_=replace(RACHEL, email="no-reply@northwind.io"))
    found = stages(plan(World((interview(START),), (ats,)), SETTINGS, ASKED).followups)
    assert set(found) == {"item"}


def test_settings_turn_them_off_and_set_the_threshold() -> None:
    world = World(interviews=(interview(START),), messages=(request("send your references"),))
    config = SETTINGS.followups.action_item
    for changed, expected in (
        (replace(config, acknowledge=False), {"item", "progress"}),
        (replace(config, progress_update=False), {"item", "ack"}),
        (replace(config, long_task_business_days=7), {"item"}),
    ):
        settings = replace(SETTINGS, followups=replace(SETTINGS.followups, action_item=changed))
        assert set(stages(plan(world, settings, ASKED).followups)) == expected


def test_the_users_reply_before_the_acknowledgement_cancels_it() -> None:
    by_hand = reply(datetime(2026, 9, 29, 21, 50, tzinfo=UTC))
    world = World(interviews=(interview(START),), messages=(request(), by_hand))
    found = stages(plan(world, SETTINGS, datetime(2026, 9, 29, 22, 0, tzinfo=UTC)).followups)
    assert found["ack"].state == FollowUpState.SENT
    assert found["ack"].reason == "you replied on Sep 29"
    # a reply after the acknowledgement was due: no progress update either
    assert found["progress"].state == FollowUpState.CANCELLED
    assert found["item"].state == FollowUpState.PLANNED  # a take-home needs the file
    _, placed = simulate(world, hours(ASKED, datetime(2026, 10, 5, 0, 0, tzinfo=UTC)))
    assert placed == []


def test_a_placed_acknowledgement_is_retired_when_the_user_replies_by_hand() -> None:
    world = World(interviews=(interview(START),), messages=(request(),))
    records, placed = simulate(world, [ASKED])
    key = placed[0]
    assert key.endswith("/ack")
    world = replace(
        world,
        messages=(request(), reply(datetime(2026, 9, 30, 13, 0, tzinfo=UTC))),
        records=records,
    )
    result = plan(world, SETTINGS, datetime(2026, 9, 30, 13, 5, tzinfo=UTC))
    retired = [a for a in result.actions if isinstance(a, RetireDraft)]
    assert [a.record.key for a in retired] == [key]
    assert retired[0].reason == "you replied on Sep 30"


def test_the_sent_acknowledgement_neither_answers_the_request_nor_stops_the_update() -> None:
    refs = request("send your references")
    world = World(interviews=(interview(START),), messages=(refs,))
    records, placed = simulate(world, [ASKED])
    ack_key = placed[0]
    sent_at = datetime(2026, 9, 29, 23, 0, tzinfo=UTC)
    records[ack_key] = replace(records[ack_key], state=FollowUpState.SENT, sent_at=sent_at)
    world = replace(world, messages=(refs, reply(sent_at)), records=records)
    records, placed = simulate(world, hours(sent_at, datetime(2026, 10, 7, 13, 0, tzinfo=UTC)))
    assert [k.rsplit("/", 1)[-1] for k in placed] == ["progress", ack_key.split("/")[2]]


def test_the_deliverable_sent_before_the_midpoint_cancels_the_update() -> None:
    world = World(interviews=(interview(START),), messages=(request(),))
    records, _ = simulate(world, [ASKED])
    done = reply(datetime(2026, 10, 1, 15, 0, tzinfo=UTC), attachment=True)
    world = replace(world, messages=(request(), done), records=records)
    result = plan(world, SETTINGS, MIDPOINT)
    found = stages(result.followups)
    assert found["item"].state == FollowUpState.SENT
    assert found["progress"].state == FollowUpState.CANCELLED
    assert found["progress"].reason == "the request is answered"
    assert not [a for a in result.actions if isinstance(a, PlaceDraft)]
    # the acknowledgement still in Drafts is retired: the work it promises is done
    assert [a.record.key for a in result.actions if isinstance(a, RetireDraft)] == [
        found["ack"].key
    ]


def test_dismissing_the_item_or_one_stage() -> None:
    world = World(interviews=(interview(START),), messages=(request(),))
    keys = stages(plan(world, SETTINGS, ASKED).followups)
    dismissed = {
        key: FollowUpRecord(
            key=key,
            interview_id="n1",
            kind=FollowUpKind.ACTION_ITEM,
            state=FollowUpState.DISMISSED,
        )
        for key in (keys["progress"].key,)
    }
    _, placed = simulate(
        replace(world, records=dismissed), hours(ASKED, datetime(2026, 10, 5, 0, 0, tzinfo=UTC))
    )
    assert placed == [keys["ack"].key]  # the progress update alone is dismissed
    item = keys["item"].key
    dismissed = {
        item: FollowUpRecord(
            key=item,
            interview_id="n1",
            kind=FollowUpKind.ACTION_ITEM,
            state=FollowUpState.DISMISSED,
        )
    }
    result = plan(replace(world, records=dismissed), SETTINGS, MIDPOINT)
    found = stages(result.followups)
    assert found["ack"].state == found["progress"].state == FollowUpState.CANCELLED
    assert found["progress"].reason == "the action item was dismissed"


def test_an_unsent_acknowledgement_holds_the_update() -> None:
    world = World(interviews=(interview(START),), messages=(request(),))
    records, placed = simulate(world, hours(ASKED, datetime(2026, 10, 5, 0, 0, tzinfo=UTC)))
    assert placed == [placed[0]] and placed[0].endswith("/ack")  # never two drafts stacked
    progress = stages(plan(replace(world, records=records), SETTINGS, MIDPOINT).followups)
    assert progress["progress"].reason == "the acknowledgement is still in Drafts, unsent"


def test_the_bodies_name_the_date_and_never_paste_the_request() -> None:
    sender = Sender("Alex Rivera", "alex@example.com", "", ZoneInfo("America/New_York"))
    the_interview = interview(START)
    found = stages(plan(World((the_interview,), (request(),)), SETTINGS, ASKED).followups)
    env = environment(None)
    for stage in ("ack", "progress"):
        subject, body = render(env, found[stage], the_interview, sender, when=ASKED)
        assert subject == "Re: Next steps"
        assert body.startswith("Hi Rachel,")
        assert "October 8" in body
        assert "link below" not in body and "submit it" not in body
        for weekday in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "today"):
            assert weekday not in body
        assert "attached" not in body and "here is" not in body.lower()
        assert len(body.split()) < 60
    _, ack = render(env, found["ack"], the_interview, sender, when=ASKED)
    assert "take-home exercise" in ack and "will send you my solution by October 8" in ack
