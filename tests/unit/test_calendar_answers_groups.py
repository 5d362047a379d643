"""Pure parts of the meetings calendar, "Check your answers" and whole-group invitations: no
I/O, no app."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.datastructures import FormData

from hub.web.pages.answers import answers
from hub.web.pages.invite_groups import Group, Groups, invited, with_groups
from hub.web.pages.meeting_calendar import Entry, london_bounds, month_grid, month_of, shifted
from hub.web.pages.record_forms import FormField

GROUPS = Groups(
    (Group("csp:a", "Everyone in A", ("council-a", "police", "fire")),
     Group("area:x", "Everyone in X", ("council-a", "council-b", "office", "charity"))),
    frozenset({"council-a", "council-b", "police", "fire"}),
)


def test_a_month_is_read_from_its_name_and_anything_else_is_this_month() -> None:
    today = date(2026, 12, 6)
    assert month_of("2027-03", today) == date(2027, 3, 1)
    for raw in (None, "", "2027-13", "March", "0-1", "2027-03-01"):
        assert month_of(raw, today) == date(2026, 12, 1)
    assert shifted(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert shifted(date(2027, 1, 1), -1) == date(2026, 12, 1)


def test_the_grid_runs_monday_to_sunday_with_today_and_the_meetings_on_their_days() -> None:
    entry = Entry("/records/meetings/m", "Review", "10:00", ("Scheduled", ""), False)
    weeks = month_grid(date(2027, 2, 1), {date(2027, 2, 14): [entry]}, date(2027, 2, 3))
    assert [len(w) for w in weeks] == [7, 7, 7, 7]  # February 2027 starts on a Monday
    assert weeks[0][0].day == date(2027, 2, 1) and weeks[-1][-1].day == date(2027, 2, 28)
    days = [d for w in weeks for d in w]
    assert [d.day for d in days if d.today] == [date(2027, 2, 3)]
    assert [d.entries for d in days if d.entries] == [(entry,)]
    march = month_grid(date(2027, 3, 1), {}, date(2027, 2, 3))
    assert not march[-1][-1].in_month and march[-1][-1].day == date(2027, 4, 4)


def test_a_months_bounds_are_london_midnights_in_utc() -> None:
    # 1 July 2027 is in summer time: its London midnight is 23:00 UTC the day before.
    assert london_bounds(date(2027, 7, 1), date(2027, 7, 31)) == (
        datetime(2027, 6, 30, 23, 0, tzinfo=UTC), datetime(2027, 7, 31, 23, 0, tzinfo=UTC))
    assert london_bounds(date(2027, 1, 1), date(2027, 1, 31))[0] == datetime(
        2027, 1, 1, tzinfo=UTC)


def test_groups_add_each_organisation_once_never_the_convenor_nor_an_unseen_group() -> None:
    assert invited(["csp:a", "area:x", "csp:unseen"], GROUPS, already=["police"],
                   convenor="office") == ["council-a", "fire", "council-b", "charity"]
    assert invited(["csp:unseen"], GROUPS, already=[], convenor="office") == []


def test_the_groups_ticked_become_rows_after_those_filled_in() -> None:
    form = FormData([
        ("kind", "reg_14a"), ("invitations-rows", "3"),
        ("invitations-0-organisation_id", ""), ("invitations-1-organisation_id", "police"),
        ("invitations-2-organisation_id", ""), ("invite_groups", "area:x"),
    ])
    rows = with_groups(form, GROUPS, "office")
    assert "invite_groups" not in rows
    assert rows.getlist("invitations-rows") == ["5"]
    assert [rows.get(f"invitations-{i}-organisation_id") for i in range(4)] == [
        "police", "council-a", "council-b", "charity"]
    # Only responsible authorities can be required to attend, and only under reg 14A.
    assert [rows.get(f"invitations-{i}-required") for i in range(4)] == [
        None, "yes", "yes", None]
    voluntary = with_groups(FormData([("kind", "voluntary"), ("invite_groups", "csp:a")]),
                            GROUPS, "office")
    assert not [k for k in voluntary if k.endswith("-required")]


def test_answers_name_choices_by_their_labels_and_lists_a_line_an_item() -> None:
    row = (FormField("organisation_id", "Organisation", "select", True,
                     choices=(("police", "Leicestershire Police"),)),
           FormField("required", "Required", "checkbox", False))
    fields = [
        FormField("csp_id", "Partnership", "select", True,
                  choices=(("safer-leicester", "Safer Leicester Partnership"),)),
        FormField("starts_local", "Starts", "datetime", True),
        FormField("effective_date", "Date it takes effect", "date", True),
        FormField("invitations", "Organisations invited", "rows", True, fields=row),
        FormField("place", "Where", "text", False),
        FormField("revision", "Revision", "hidden", True),
    ]
    found = answers(fields, {
        "csp_id": "safer-leicester", "starts_local": "2027-02-10T10:00",
        "effective_date": "2028-04-01", "invitations-rows": "3",
        "invitations-0-organisation_id": "police", "invitations-0-required": "yes",
        "revision": "2",
    })
    assert [(a.question, a.lines, a.anchor) for a in found] == [
        ("Partnership", ("Safer Leicester Partnership",), "csp_id"),
        ("Starts", ("10 February 2027, 10:00 (London time)",), "starts_local"),
        ("Date it takes effect", ("1 April 2028",), "effective_date"),
        ("Organisations invited", ("Leicestershire Police, Required",),
         "invitations-0-organisation_id"),
        ("Where", ("Not given",), "place"),
    ]
