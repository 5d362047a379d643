"""Generated record form fields: nested bodies as fieldsets and rows, read back into values with
errors keyed by the input they belong beside (no I/O: real body models, real form data)."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from hub.web.pages.field_words import FIELDS
from hub.web.pages.record_forms import (
    FormField,
    add_row,
    anchor,
    body_errors,
    field_names,
    form_fields,
    offer_choices,
    parse_form,
    prefill,
    with_rows,
)
from schemas.events.meetings import AgendaItem, Paper, Representative
from schemas.requests import all_requests
from schemas.requests import meetings as requests
from schemas.requests import mergers as merger_requests


def _fields(model: type[BaseModel]) -> dict[str, FormField]:
    return {f.name: f for f in form_fields(model)}


def _form(**values: str | list[str]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = [
        (k.replace("__", "-"), v) for k, vs in values.items()
        for v in (vs if isinstance(vs, list) else [vs])
    ]
    return FormData(items)


def test_a_list_of_models_is_rows_of_the_models_fields_and_a_nested_model_a_group() -> None:
    respond = _fields(requests.RespondToMeetingRequest)
    assert respond["representatives"].kind == "rows"
    assert respond["representatives"].item == "representative"
    assert [f.name for f in respond["representatives"].fields] == ["name", "role"]
    assert respond["delegate"].kind == "group" and not respond["delegate"].required
    convene = _fields(requests.ConveneMeetingRequest)
    invitation = {f.name: f.kind for f in convene["invitations"].fields}
    assert invitation == {"organisation_id": "text", "required": "checkbox"}
    assert _fields(requests.ApproveMeetingMinutesRequest)["draft"].kind == "number"


def test_a_list_of_choices_is_checkboxes() -> None:
    model = merger_requests.ProposeMergerRequest
    purposes = {f.name: f for f in form_fields(model)}["purposes"]
    assert purposes.kind == "checkboxes"
    assert ("reducing_reoffending", "Reducing reoffending") in purposes.choices


def test_fields_named_in_choices_are_offered_as_them_nested_ones_too() -> None:
    convene = form_fields(requests.ConveneMeetingRequest)
    offered = {f.name: f for f in offer_choices(convene, {
        "organisation_id": [("llr-icb", "LLR Integrated Care Board")],
        "kind": [("voluntary", "Voluntary meeting")],
        "workspace_id": [],
    })}
    invitee = {f.name: f for f in offered["invitations"].fields}["organisation_id"]
    assert invitee.kind == "select"
    assert invitee.choices == (("llr-icb", "LLR Integrated Care Board"),)
    assert offered["kind"].kind == "radios", "a kind of meeting needs explaining"
    assert offered["kind"].choices == (("voluntary", "Voluntary meeting"),)
    hints = dict(offered["kind"].choice_hints)
    assert hints["voluntary"] == "Organisations attend if they choose to"
    assert offered["workspace_id"].kind == "text", "nothing to choose from: the plain field stays"
    assert {"invitations", "organisation_id", "required"} <= field_names(convene)


def test_a_list_of_ids_offered_as_choices_is_checkboxes_and_reads_back_each_box() -> None:
    model = merger_requests.ProposeMergerRequest
    fields = offer_choices(form_fields(model), {"csp_ids": [("a", "A"), ("b", "B")]})
    csp_ids = {f.name: f for f in fields}["csp_ids"]
    assert (csp_ids.kind, csp_ids.hint) == ("checkboxes", "Choose two or more")
    assert csp_ids.label == "Partnerships to combine"
    form = FormData([("csp_ids", "a"), ("csp_ids", "b")])
    values, errors = parse_form(form, [csp_ids])
    assert (values, errors) == ({"csp_ids": ["a", "b"]}, {})


def test_details_the_handler_keeps_unless_given_are_plain_fields_not_a_keep_choice() -> None:
    amend = _fields(requests.AmendMeetingRequest)
    assert (amend["title"].kind, amend["title"].keep, amend["title"].required) == (
        "text", True, True)
    assert (amend["place"].optional_none, amend["place"].required) == (True, False)
    assert amend["agenda"].kind == "rows" and amend["agenda"].keep


def test_rows_are_read_in_order_and_blank_rows_left_out() -> None:
    fields = list(_fields(requests.PublishMeetingPapersRequest).values())
    values, errors = parse_form(_form(
        papers__rows="3", papers__0__title="One", papers__0__reference="a",
        papers__1__title="", papers__1__reference="",
        papers__2__title="Three", papers__2__reference="c",
    ), fields)
    assert errors == {}
    assert values["papers"] == [Paper(title="One", reference="a"),
                                Paper(title="Three", reference="c")]


def test_an_error_in_a_row_names_that_rows_input_even_after_blank_rows() -> None:
    fields = list(_fields(requests.PublishMeetingPapersRequest).values())
    _, errors = parse_form(_form(
        papers__rows="3", papers__0__title="", papers__0__reference="",
        papers__2__title="", papers__2__reference="c",
    ), fields)
    assert errors == {"papers-2-title": "Enter title of paper 3"}


def test_a_group_left_blank_is_left_out_and_a_half_filled_one_is_refused() -> None:
    fields = list(_fields(requests.RespondToMeetingRequest).values())
    values, errors = parse_form(_form(response="declining", reason="Away",
                                      delegate__name="", delegate__role=""), fields)
    assert "delegate" not in values and errors == {}
    _, errors = parse_form(_form(response="delegating", delegate__role="Deputy"), fields)
    assert errors == {"delegate-name": "Enter name of delegate"}
    values, _ = parse_form(_form(response="delegating", delegate__name="Ann"), fields)
    assert values["delegate"] == Representative(name="Ann")


def test_a_kept_field_emptied_is_cleared_or_sent_empty_for_the_command_to_refuse() -> None:
    fields = list(_fields(requests.AmendMeetingRequest).values())
    values, _ = parse_form(_form(title="", place="", agenda__rows="2"), fields)
    assert values == {"title": "", "place": None, "agenda": []}
    assert parse_form(_form(), fields)[0] == {}, "fields not shown keep their values"


def test_a_number_that_is_not_one_is_refused_beside_it() -> None:
    fields = list(_fields(requests.ApproveMeetingMinutesRequest).values())
    assert parse_form(_form(draft="two"), fields)[1] == {
        "draft": "Draft must be a whole number, like 1"}
    assert parse_form(_form(draft="2"), fields)[0] == {"draft": 2}


def test_prefilled_rows_show_the_items_and_one_spare_and_add_another_adds_one() -> None:
    fields = list(_fields(requests.AmendMeetingRequest).values())
    values = prefill(fields, {"title": "T", "agenda": [AgendaItem(title="A"),
                                                       {"title": "B", "description": "b"}]})
    assert values == {"title": "T", "agenda-0-title": "A", "agenda-1-title": "B",
                      "agenda-1-description": "b", "agenda-rows": "3"}
    assert add_row(values, fields, "agenda") == "agenda-3"
    assert values["agenda-rows"] == "4"
    assert add_row(values, fields, "title") is None
    assert with_rows(fields, {})["agenda-rows"] == "2"


def test_an_error_about_a_whole_list_or_group_belongs_beside_its_first_input() -> None:
    fields = list(_fields(requests.RespondToMeetingRequest).values())
    assert anchor(fields, "representatives") == "representatives-0-name"
    assert anchor(fields, "delegate") == "delegate-name"
    assert anchor(fields, "representatives-1-role") == "representatives-1-role"
    assert anchor(fields, "form") == "form"


def test_an_emptied_detail_the_page_may_keep_is_refused_beside_its_input() -> None:
    # The request takes the title or "keep as it is": the error belongs to the title's input,
    # not to the union member Pydantic names.
    fields = form_fields(requests.AmendMeetingRequest)
    try:
        requests.AmendMeetingRequest.model_validate({"expected_version": 1, "title": ""})
    except ValidationError as error:
        assert body_errors(fields, error) == {"title": "Enter title"}
    else:
        raise AssertionError("an empty title was accepted")


def test_every_field_a_form_shows_has_words_of_its_own() -> None:
    # Labels made from field names ("Objective id") were what people read before; a new
    # request field with no words here would bring one back as a KeyError in its form.
    shown = {name for model in all_requests() for name in field_names(form_fields(model))}
    assert shown <= set(FIELDS), sorted(shown - set(FIELDS))
