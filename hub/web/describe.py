"""Events in words, for activity lines: "Leicester City Council acknowledged the report request
“Serious violence strategy”".

Each event type has one whole sentence in :data:`PHRASES`, with named placeholders, so a
translator can reorder it (Welsh puts the verb first) rather than receive fragments glued
together from the type's code. The sentences are marked ``N_()`` where they are kept and
translated by :func:`describe` into the locale in hand: the reader's request, or the locale a
live socket asked for.

The placeholders a sentence may use, and where their values come from:

- ``who``: the organisation that acted (the event's metadata, else the organisation the event
  says acted), or "The hub" for the hub's own scheduled work;
- ``subject``: what the record is called (its title or name), from the event when it carries
  one, else from the record's read model;
- ``organisation``: the organisation the event is about (one added to a workspace, an action's
  owner, a policing body taking office);
- ``person``: the person the event is about (a workspace role).

An event type whose meaning turns on one of its fields (a meeting response, a workspace role)
has a sentence per value in :data:`REFINED` instead, so each stays a whole sentence.

One describer serves the pages and the live sockets, so a line reads the same whether it was
rendered by the server or pushed to the browser.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Engine, Table, select

from hub.access.tables import users_table
from hub.i18n import N_, gettext
from hub.projections.directory import areas, csps, organisations, workspaces
from hub.projections.duties import arrangements, decisions, plans, priorities, strategy_regards
from hub.projections.meetings import meetings
from hub.projections.mergers import mergers
from hub.projections.reports import report_requests

PHRASES: dict[str, str] = {
    # Criminal justice arrangements (s.10(3)).
    "cj_arrangement.drafted": N_("%(who)s drafted the criminal justice arrangement “%(subject)s”"),
    "cj_arrangement.party_agreed": N_(
        "%(who)s agreed to the criminal justice arrangement “%(subject)s”"),
    "cj_arrangement.came_into_force": N_(
        "The criminal justice arrangement “%(subject)s” came into force"),
    "cj_arrangement.review_fell_due": N_(
        "The criminal justice arrangement “%(subject)s” is due for review"),
    "cj_arrangement.reviewed": N_(
        "%(who)s reviewed the criminal justice arrangement “%(subject)s”"),
    "cj_arrangement.terms_varied": N_(
        "%(who)s varied the terms of the criminal justice arrangement “%(subject)s”"),
    "cj_arrangement.ended": N_("%(who)s ended the criminal justice arrangement “%(subject)s”"),
    # Community safety partnerships and the directory.
    "csp.registered": N_("The partnership “%(subject)s” was registered"),
    "csp.authorities_changed": N_(
        "The responsible authorities of the partnership “%(subject)s” changed"),
    "csp.ended": N_("The partnership “%(subject)s” ended"),
    "directory_change.recorded": N_("%(who)s recorded a change to the organisations of the area"),
    "directory_change.took_effect": N_("A change to the organisations of the area took effect"),
    "organisation.registered": N_("%(subject)s joined the Partnership Hub"),
    "organisation.ended": N_("%(subject)s ended"),
    "police_area.registered": N_("The police area “%(subject)s” was registered"),
    "police_area.policing_body_assigned": N_(
        "%(organisation)s became the policing body for %(subject)s"),
    "police_area.governance_transferred": N_(
        "The policing body for %(subject)s is to pass to %(organisation)s"),
    "police_area.governance_took_effect": N_(
        "%(organisation)s took office as the policing body for %(subject)s"),
    "police_area.commencement_recorded": N_(
        "The commencement of the policing body's powers in %(subject)s was recorded"),
    "police_area.reg14a_power_recorded": N_(
        "Whether the power to require attendance at joint meetings applies in %(subject)s "
        "was recorded"),
    # Meetings (reg 14A and voluntary).
    "meeting.convened": N_("%(who)s convened the meeting “%(subject)s”"),
    "meeting.invitees_added": N_(
        "%(who)s invited more organisations to the meeting “%(subject)s”"),
    "meeting.amended": N_("%(who)s changed the details of the meeting “%(subject)s”"),
    "meeting.rescheduled": N_("%(who)s moved the meeting “%(subject)s” to a new time"),
    "meeting.cancelled": N_("%(who)s cancelled the meeting “%(subject)s”"),
    "meeting.reminder_sent": N_("A reminder of the meeting “%(subject)s” was sent"),
    "meeting.required_decline_flagged": N_(
        "%(organisation)s, whose attendance is required, declined the meeting “%(subject)s”"),
    "meeting.papers_published": N_("%(who)s published papers for the meeting “%(subject)s”"),
    "meeting.held": N_("The meeting “%(subject)s” was held"),
    "meeting.minutes_drafted": N_("%(who)s drafted the minutes of the meeting “%(subject)s”"),
    "meeting.minutes_approved": N_("%(who)s approved the minutes of the meeting “%(subject)s”"),
    "meeting.action_assigned": N_(
        "%(who)s gave %(organisation)s an action from the meeting “%(subject)s”"),
    "meeting.action_completed": N_(
        "%(who)s completed an action from the meeting “%(subject)s”"),
    "meeting.convenor_succeeded": N_(
        "%(organisation)s keeps the meeting “%(subject)s” now, in place of a body that ended"),
    "meeting.invitations_succeeded": N_(
        "Invitations to the meeting “%(subject)s” passed to the successors of bodies that "
        "ended"),
    "meeting.action_owner_succeeded": N_(
        "An action from the meeting “%(subject)s” passed to %(organisation)s"),
    "meeting.action_reminder_sent": N_(
        "A reminder of an action from the meeting “%(subject)s” was sent"),
    # CSP mergers (CDA s.5A).
    "merger.proposed": N_("%(who)s proposed the merger “%(subject)s”"),
    "merger.revised": N_("%(who)s revised the merger proposal “%(subject)s”"),
    "merger.consented": N_("%(who)s consented to the merger “%(subject)s”"),
    "merger.consent_withdrawn": N_(
        "%(who)s withdrew its consent to the merger “%(subject)s”"),
    "merger.refused": N_("%(who)s refused the merger “%(subject)s”"),
    "merger.withdrawn": N_("%(who)s withdrew the merger proposal “%(subject)s”"),
    "merger.made": N_("Every party signed: the merger agreement “%(subject)s” is made"),
    "merger.took_effect": N_("The merger “%(subject)s” took effect"),
    "merger.amendment_proposed": N_(
        "%(who)s proposed a variation of the merger agreement “%(subject)s”"),
    "merger.amended": N_("The merger agreement “%(subject)s” was varied"),
    "merger.termination_proposed": N_(
        "%(who)s proposed ending the merger agreement “%(subject)s”"),
    "merger.terminated": N_("Every party agreed to end the merger agreement “%(subject)s”"),
    "merger.termination_took_effect": N_(
        "The merger agreement “%(subject)s” ended, and its partnerships were registered again"),
    "merger.combined_csp_ended": N_(
        "The partnership made by the merger “%(subject)s” ended by law, and its agreement "
        "with it"),
    "merger.change_withdrawn": N_(
        "%(who)s withdrew the proposed change to the merger agreement “%(subject)s”"),
    # The Section 10 duty register.
    "police_crime_plan.recorded": N_("%(who)s recorded the police and crime plan “%(subject)s”"),
    "police_crime_plan.revised": N_("%(who)s revised the police and crime plan “%(subject)s”"),
    "police_crime_plan.retired": N_("%(who)s retired the police and crime plan “%(subject)s”"),
    "priority.registered": N_("%(who)s registered the priority “%(subject)s”"),
    "priority.revised": N_("%(who)s revised the priority “%(subject)s”"),
    "priority.retired": N_("%(who)s retired the priority “%(subject)s”"),
    "priority.passed_to_successor": N_(
        "The priority “%(subject)s” passed to %(organisation)s"),
    "reciprocal_regard.recorded": N_(
        "%(who)s started recording its regard to the police and crime plan in “%(subject)s”"),
    "reciprocal_regard.objective_regarded": N_(
        "%(who)s noted its regard to an objective of the police and crime plan in "
        "“%(subject)s”"),
    "reciprocal_regard.objective_devolved": N_(
        "%(who)s marked an objective of the police and crime plan as devolved in "
        "“%(subject)s”"),
    "reciprocal_regard.passed_to_successor": N_(
        "The record of regard “%(subject)s” passed to %(organisation)s"),
    "reciprocal_regard.finalised": N_(
        "%(who)s finished recording its regard to the police and crime plan in “%(subject)s”"),
    "regard_decision.recorded": N_("%(who)s recorded the decision “%(subject)s”"),
    "regard_decision.regard_noted": N_(
        "%(who)s noted its regard to a priority in the decision “%(subject)s”"),
    "regard_decision.finalised": N_("%(who)s finalised the decision “%(subject)s”"),
    # Report requests (CDA s.7).
    "report_request.required": N_("%(who)s required the report “%(subject)s”"),
    "report_request.acknowledged": N_(
        "%(who)s acknowledged the report request “%(subject)s”"),
    "report_request.extension_requested": N_(
        "%(who)s asked for more time for the report “%(subject)s”"),
    "report_request.extension_granted": N_(
        "%(who)s gave more time for the report “%(subject)s”"),
    "report_request.extension_refused": N_(
        "%(who)s refused more time for the report “%(subject)s”"),
    "report_request.submitted": N_("%(who)s submitted the report “%(subject)s”"),
    "report_request.returned": N_(
        "%(who)s returned the report “%(subject)s” for more information"),
    "report_request.resubmitted": N_("%(who)s submitted the report “%(subject)s” again"),
    "report_request.accepted": N_("%(who)s accepted the report “%(subject)s”"),
    "report_request.published": N_("%(who)s published the report “%(subject)s”"),
    "report_request.closed": N_("%(who)s closed the report request “%(subject)s”"),
    "report_request.withdrawn": N_("%(who)s withdrew the report request “%(subject)s”"),
    "report_request.marked_overdue": N_("The report “%(subject)s” is overdue"),
    "report_request.reminder_sent": N_("A reminder that the report “%(subject)s” is due was sent"),
    "report_request.authorities_succeeded": N_(
        "The report request “%(subject)s” passed to the authorities' successors"),
    # Workspaces.
    "workspace.created": N_("The workspace “%(subject)s” was created"),
    "workspace.member_added": N_("%(organisation)s joined the workspace “%(subject)s”"),
    "workspace.member_removed": N_("%(organisation)s left the workspace “%(subject)s”"),
    "workspace.closed": N_("The workspace “%(subject)s” closed"),
}
"""The sentence of each event type (translated where shown)."""

REFINED: dict[str, tuple[str, dict[str, str]]] = {
    "meeting.responded": ("response", {
        "attending": N_("%(who)s will attend the meeting “%(subject)s”"),
        "delegating": N_("%(who)s is sending a delegate to the meeting “%(subject)s”"),
        "declining": N_("%(who)s declined the meeting “%(subject)s”"),
    }),
    "workspace.role_assigned": ("role", {
        "lead": N_("%(who)s made %(person)s a lead of the workspace “%(subject)s”"),
        "member": N_("%(who)s made %(person)s a member of the workspace “%(subject)s”"),
        "observer": N_("%(who)s made %(person)s an observer of the workspace “%(subject)s”"),
    }),
}
"""Event types with a sentence per value of one of their fields: the field, and the
sentences (translated where shown)."""

PLACEHOLDERS = frozenset({"who", "subject", "organisation", "person"})
"""The names a sentence may use."""

ORGANISATION_FIELDS = (
    "organisation_id", "owner_organisation_id", "to_organisation_id", "convened_by",
)
"""Fields naming the organisation an event is about (``organisation``), in order."""

SUBJECT_FIELDS = ("title", "name", "proposed_name")
"""Fields of an event that carry its record's own title or name (``subject``), in order."""

LONGEST_SUBJECT = 80
"""A title longer than this is cut short, so a line stays one line."""

TITLE_TABLES: dict[str, tuple[Table, str]] = {
    "report_request": (report_requests, "title"),
    "meeting": (meetings, "title"),
    "merger": (mergers, "proposed_name"),
    "priority": (priorities, "title"),
    "police_crime_plan": (plans, "title"),
    "regard_decision": (decisions, "title"),
    "reciprocal_regard": (strategy_regards, "strategy_title"),
    "cj_arrangement": (arrangements, "title"),
    "csp": (csps, "name"),
    "workspace": (workspaces, "name"),
    "police_area": (areas, "name"),
    "organisation": (organisations, "name"),
}
"""Where each record type's title is kept, by the record type an event type begins with.
Each table's key is the one column of its primary key, and the event names it by that
column's name (``request_id``, ``meeting_id``…)."""

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def placeholders(phrase: str) -> set[str]:
    """The names ``phrase`` uses."""
    return set(_PLACEHOLDER.findall(phrase))


def phrase_for(event_type: str, data: Mapping[str, Any]) -> str | None:
    """The untranslated sentence for an event of ``event_type`` with ``data`` (pure); None for
    a type the hub does not publish."""
    refined = REFINED.get(event_type)
    if refined is not None:
        field, sentences = refined
        return sentences.get(str(data.get(field)))
    return PHRASES.get(event_type)


def subject_in(data: Mapping[str, Any]) -> str | None:
    """The record's title as the event itself carries it, if it does (pure)."""
    return next((str(data[f]) for f in SUBJECT_FIELDS if data.get(f)), None)


def shortened(text: str) -> str:
    """``text`` cut to :data:`LONGEST_SUBJECT` characters, with an ellipsis (pure)."""
    return text if len(text) <= LONGEST_SUBJECT else text[:LONGEST_SUBJECT - 1] + "…"


class _NamesById:
    """Names from one small table (organisations, people), by id: loaded whole, again once a
    minute old or asked for an id it does not hold, since a page names many of them."""

    def __init__(self, engine: Engine, id_column: Any, name_column: Any, ttl: float) -> None:
        self.engine, self.ttl = engine, ttl
        self._query = select(id_column, name_column)
        self._names: dict[str, str] = {}
        self._loaded = 0.0

    def get(self, key: str) -> str | None:
        if time.monotonic() - self._loaded > self.ttl or key not in self._names:
            with self.engine.connect() as conn:
                self._names = {key: name for key, name in conn.execute(self._query)}
            self._loaded = time.monotonic()
        return self._names.get(key)


class _Titles:
    """The titles of one record type, by id: each read when first asked for and kept for
    ``ttl`` seconds (records are many, and a line names one at a time)."""

    def __init__(self, engine: Engine, table: Table, column: str, ttl: float) -> None:
        self.engine, self.ttl = engine, ttl
        self.key: Column[Any] = next(iter(table.primary_key.columns))
        self._query = select(table.c[column])
        self._titles: dict[str, tuple[str | None, float]] = {}

    def get(self, key: str) -> str | None:
        now = time.monotonic()
        found = self._titles.get(key)
        if found is not None and now - found[1] <= self.ttl:
            return found[0]
        with self.engine.connect() as conn:
            title = conn.execute(self._query.where(self.key == key)).scalar_one_or_none()
        self._titles[key] = (title, now)
        return title


class OrganisationNames:
    """Organisation names by id, people's by user id, and records' titles, each kept for a
    minute (they rarely change)."""

    def __init__(self, engine: Engine, ttl: float = 60.0) -> None:
        self._organisations = _NamesById(
            engine, organisations.c.organisation_id, organisations.c.name, ttl
        )
        self._people = _NamesById(engine, users_table.c.user_id, users_table.c.name, ttl)
        self._titles = {
            record: _Titles(engine, table, column, ttl)
            for record, (table, column) in TITLE_TABLES.items()
        }

    def __call__(self, organisation_id: str) -> str:
        return self._organisations.get(organisation_id) or organisation_id

    def person(self, user_id: str) -> str | None:
        """The name of the person with ``user_id``, if there is one."""
        return self._people.get(user_id)

    def title(self, record: str, data: Mapping[str, Any]) -> str | None:
        """The title of the ``record``-type record that ``data`` names, if the hub keeps one."""
        titles = self._titles.get(record)
        if titles is None:
            return None
        key = data.get(titles.key.name)
        return titles.get(str(key)) if key else None


def describe(envelope: dict[str, Any], names: OrganisationNames) -> str:
    """One sentence saying who did what to which record, in the current locale."""
    data = envelope.get("data") or {}
    phrase = phrase_for(envelope["type"], data)
    if phrase is None:
        # An event type the hub no longer publishes, read from an old log: say so plainly.
        return gettext("Something changed")
    wanted = placeholders(phrase)
    values: dict[str, str] = {}
    if "who" in wanted:
        organisation = (envelope.get("meta") or {}).get("organisation") or data.get(
            "by_organisation"
        )
        values["who"] = names(organisation) if organisation else gettext("The hub")
    if "subject" in wanted:
        record = envelope["type"].partition(".")[0]
        subject = subject_in(data) or names.title(record, data)
        values["subject"] = shortened(subject) if subject else gettext("untitled")
    if "organisation" in wanted:
        about = next((str(data[f]) for f in ORGANISATION_FIELDS if data.get(f)), "")
        values["organisation"] = names(about) if about else gettext("An organisation")
    if "person" in wanted:
        values["person"] = names.person(str(data.get("user_id", ""))) or gettext("a person")
    return gettext(phrase) % values
