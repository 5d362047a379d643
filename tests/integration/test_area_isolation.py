"""Another area's id gets exactly the answer a made-up id gets, on every operation of the API.

The differential walk reads ``/openapi.json`` and calls every operation it lists, so an
endpoint added later is walked without anyone listing it. The attacker is one area's office
(a partner system holding every permission); the victim is the other demo area. Ids are
learned, not listed: every ``*_id`` value in the answers of the API's GET operations, as the
victim and as the attacker see them, pooled by field name; and, for email fields, the emails
of the victim area's demo accounts. What a partner system may not do (invitations, tokens,
calendar feeds) is tried again as the office's admin, signed in.

Each operation is called with a request built from its schema out of the attacker's own ids
(valid as far as a schema can tell). Then each id in it (a path parameter, a query parameter
or a body field, nested or in a list) is replaced in turn by one of the victim's ids, and by
a made-up id of the same shape; the two answers must have the same status, and for a refusal
the same ``code``, ``title`` and ``detail`` (the id itself may be echoed back, so each
answer's own id is blanked before comparing). A foreign id that *succeeds* where the made-up
one is refused is a write into the other area, and differs. Both directions run:
Leicestershire against Dyfed-Powys, and back.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub.access.accounts import Permission
from hub.bootstrap import Hub
from hub.demo.users import DEMO_USERS
from tests.web import client_of, signed_in

AREAS = {
    "leicestershire": ("leicestershire-opcc", "opcc@leicestershire.example.org"),
    "dyfed-powys": ("dyfed-powys-opcc", "opcc@dyfed-powys.example.org"),
}
"""Each area's office, and the email its admin signs in with."""
ID_FIELD = re.compile(r"(_id|_ids)$")
IN_FUTURE = date.today() + timedelta(days=90)
RECEIVER = "https://127.0.0.1:9/hook"
"""Where the walk's webhook endpoints point (the ``client`` fixture allows that network)."""
EVENT_TYPE = "meeting.convened"
"""An event type the hub publishes, for webhook filters."""

Json = Any
Slot = tuple[str, tuple[Any, ...]]
"""Where an id sits in a request: ("path" | "query" | "body", the keys leading to it)."""


class Partner:
    """One organisation's partner system, holding every permission."""

    def __init__(self, hub: Hub, client: TestClient, organisation_id: str) -> None:
        _id, token = hub.accounts.create_client(
            name="isolation", organisation_id=organisation_id, permissions=list(Permission),
            created_by="tests",
        )
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, query: dict[str, str], body: Json) -> Any:
        return self.client.request(
            method, path, params=query, headers=self.headers,
            json=body if method in {"POST", "PUT", "PATCH"} else None,
        )


class Person(Partner):
    """An office's admin, signed in, for what only a person may do (invitations, tokens,
    calendar feeds); its writes carry the session's CSRF token from the hub's own origin."""

    def __init__(self, hub: Hub, email: str) -> None:
        self.client = signed_in(hub, email)
        self.headers = {"X-CSRF-Token": self.client.csrf,  # type: ignore[attr-defined]
                        "Origin": "http://testserver"}


# -- learning ids ----------------------------------------------------------------------------


def _walk_ids(value: Json, into: dict[str, set[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and key.endswith("_id") and item:
                into.setdefault(key, set()).add(item)
            _walk_ids(item, into)
    elif isinstance(value, list):
        for item in value:
            _walk_ids(item, into)


def learn_ids(partner: Partner, document: Json) -> dict[str, set[str]]:
    """Every ``*_id`` value in the answers of the GET operations: first those that take no
    parameters, then those that take one, filled with what the first pass learned."""
    learned: dict[str, set[str]] = {}
    gets = [path for path, operations in document["paths"].items() if "get" in operations]
    for path in gets:
        if "{" not in path:
            answer = partner.call("GET", path, {}, None)
            if answer.status_code == 200 and "json" in answer.headers["content-type"]:
                _walk_ids(answer.json(), learned)
    found = {key: sorted(values) for key, values in learned.items()}
    for path in gets:
        names = re.findall(r"{(\w+)}", path)
        if len(names) != 1:
            continue
        key = _record_key(path.split("/{")[0], found) if names[0] == "record_id" else names[0]
        for value in pool_for(key, found):
            answer = partner.call("GET", path.replace(f"{{{names[0]}}}", value), {}, None)
            if answer.status_code == 200 and "json" in answer.headers["content-type"]:
                _walk_ids(answer.json(), learned)
    return learned


def pool_for(name: str, pools: dict[str, list[str]]) -> list[str]:
    """The ids a field of this name holds: by its name, else by the learned name it ends
    with (``owner_organisation_id`` holds organisations), else organisations."""
    single = name[:-1] if name.endswith("_ids") else name
    if pools.get(single):
        return pools[single]
    endings = sorted((key for key in pools if single.endswith(key) and pools[key]), key=len)
    if endings:
        return pools[endings[-1]]
    return pools.get("organisation_id", [])


def made_up_like(value: str) -> str:
    """An id (or an email) of the same shape that nothing has."""
    if "@" in value:
        return f"nobody-{uuid.uuid4().hex[:8]}@{value.rsplit('@', 1)[1]}"
    try:
        uuid.UUID(value)
    except ValueError:
        return f"{value.rsplit('-', 1)[0]}-{uuid.uuid4().hex[:8]}"
    return str(uuid.uuid4())


# -- building requests from the schema ---------------------------------------------------------


def _resolve(schema: Json, document: Json) -> Json:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _is_id(name: str) -> bool:
    return bool(ID_FIELD.search(name))


def example(schema: Json, document: Json, name: str, own: dict[str, list[str]]) -> Json:
    """A valid value of ``schema`` for a field called ``name``, ids taken from ``own``."""
    schema = _resolve(schema, document)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, document).get("type") != "null"]
            return example(options[0], document, name, own)
    if "allOf" in schema:
        return example(schema["allOf"][0], document, name, own)
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        # Every field, so that each id the operation takes is tried: a default where the
        # schema has one (an optional detail left as it is), else an example.
        fields = schema.get("properties", {})
        built = {
            field: sub["default"] if sub.get("default") is not None
            else example(sub, document, field, own)
            for field, sub in fields.items()
        }
        # A choice that names a sibling id field is the one that field goes with (a
        # workspace feed takes a workspace_id).
        for field, sub in fields.items():
            values = _resolve(sub, document).get("enum", ())
            chosen = [v for v in values if isinstance(v, str) and f"{v}_id" in fields]
            if chosen:
                built[field] = chosen[0]
        return built
    if kind == "array":
        count = max(schema.get("minItems", 1), 2 if _is_id(name) else 1)
        if _is_id(name):
            ids = pool_for(name, own)
            return ids[:count] or [f"none-{n}" for n in range(count)]
        return [example(schema.get("items", {}), document, name[:-1], own)
                for _ in range(count)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if _is_id(name):
        ids = pool_for(name, own)
        return ids[0] if ids else "none"
    return _text(schema, name)


def _text(schema: Json, name: str) -> str:
    fmt = schema.get("format")
    if fmt == "date":
        return IN_FUTURE.isoformat()
    if name.endswith("_local"):
        # A wall-clock time in London, without an offset.
        hour = 12 if name.startswith("ends") else 10
        return f"{IN_FUTURE.isoformat()}T{hour}:00"
    if fmt == "date-time":
        return f"{IN_FUTURE.isoformat()}T10:00:00Z"
    if name == "event_type":  # an item of a webhook's event-type filter
        return EVENT_TYPE
    if fmt == "email":
        return f"someone-{uuid.uuid4().hex[:6]}@example.org"
    if fmt in {"uri", "url"} or name.endswith(("_url", "_link", "url")):
        # An address the hub can check without a name server (there is none here), on the
        # network the walk lets receivers use: so a webhook endpoint is made, and its
        # workspace scope walked like every other id.
        return RECEIVER
    return "x" * max(schema.get("minLength", 1), 12)


def id_slots(value: Json, trail: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Where the ids of a body sit: each id field, and each element of a list of ids."""
    if isinstance(value, dict):
        for key, item in value.items():
            if (_is_id(key) or key == "email") and isinstance(item, str):
                yield (*trail, key)
            elif _is_id(key) and isinstance(item, list):
                yield from ((*trail, key, n) for n in range(len(item)))
            else:
                yield from id_slots(item, (*trail, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from id_slots(item, (*trail, n))


def _field_of(trail: tuple[Any, ...]) -> str:
    return next(str(step) for step in reversed(trail) if isinstance(step, str))


def _put(body: Json, trail: tuple[Any, ...], value: str) -> Json:
    changed = copy.deepcopy(body)
    target = changed
    for step in trail[:-1]:
        target = target[step]
    target[trail[-1]] = value
    return changed


# -- comparing answers -------------------------------------------------------------------------


def outcome(answer: Any, sent: str) -> tuple[Any, ...]:
    """What a caller learns from an answer, with the id it sent blanked out."""
    def blank(text: Any) -> Any:
        return text.replace(sent, "<id>") if isinstance(text, str) else text

    if answer.status_code >= 400 and "json" in answer.headers.get("content-type", ""):
        problem = answer.json()
        return (answer.status_code, problem.get("code"), blank(problem.get("title")),
                blank(problem.get("detail")))
    if answer.request.method == "GET" and "json" in answer.headers.get("content-type", ""):
        return (answer.status_code, blank(str(answer.json())))
    return (answer.status_code,)


@pytest.fixture
def client(demo_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # Receivers on the loopback network are allowed, as for a partner on the hub's own
    # private network; nothing is delivered, since no worker runs here.
    monkeypatch.setenv("HUB_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.1/32")
    return client_of(demo_hub)


# Some 300 pairs of requests in each direction: about 30 s on a quiet machine, more than the
# suite's 60 s limit allows when the machine is busy.
@pytest.mark.timeout(240)
@pytest.mark.parametrize("attacker_area", sorted(AREAS))
def test_every_operation_answers_another_areas_ids_as_made_up_ones(
    demo_hub: Hub, client: TestClient, attacker_area: str
) -> None:
    victim_area = next(a for a in AREAS if a != attacker_area)
    attacker = Partner(demo_hub, client, AREAS[attacker_area][0])
    person = Person(demo_hub, AREAS[attacker_area][1])
    victim = Partner(demo_hub, client, AREAS[victim_area][0])
    document = client.get("/openapi.json").json()
    # Each side has a webhook endpoint, so that endpoint ids are learned and walked too.
    for side in (attacker, victim):
        made = side.call("POST", "/api/webhooks", {}, {"url": RECEIVER,
                                                       "event_types": [EVENT_TYPE]})
        assert made.status_code == 201, made.text

    seen = learn_ids(attacker, document)
    theirs = learn_ids(victim, document)
    foreign = {
        key: sorted(values - seen.get(key, set())) for key, values in theirs.items()
    }
    # The API never shows an email: the victim's are those of the demo's accounts in the
    # victim's organisations.
    foreign["email"] = sorted(u.email for u in DEMO_USERS
                              if u.organisation_id in foreign.get("organisation_id", ()))
    own = {key: sorted(values) for key, values in seen.items()}
    assert foreign.get("meeting_id") and foreign.get("csp_id") and own.get("csp_id"), (
        "the demo should give each side meetings and CSPs to learn"
    )

    differences: list[str] = []
    unfit: list[str] = []
    walked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            method = method.upper()
            requests = list(_requests(path, method, operation, document, own, attacker))
            for slot_name, where, make in requests:
                pool = pool_for(slot_name, foreign)
                if not pool:
                    continue
                theirs_id = pool[0]
                mine = made_up_like(theirs_id)
                for caller in (attacker, person):
                    # What a partner system may not do (403 either way) a person may.
                    foreign_answer = caller.call(method, *_current(caller, make(theirs_id)))
                    made_up_answer = caller.call(method, *_current(caller, make(mine)))
                    if foreign_answer.status_code != 403 or made_up_answer.status_code != 403:
                        break
                walked += 1
                if _refused_first(foreign_answer) or _refused_first(made_up_answer):
                    unfit.append(f"{method} {path} [{where}]: {made_up_answer.text[:200]}")
                if _schema_refused(foreign_answer) and _schema_refused(made_up_answer):
                    unfit.append(f"{method} {path} [{where}]: {made_up_answer.text[:200]}")
                if outcome(foreign_answer, theirs_id) != outcome(made_up_answer, mine):
                    differences.append(
                        f"{method} {path} [{where}]: another area's {slot_name} "
                        f"{outcome(foreign_answer, theirs_id)} but made up "
                        f"{outcome(made_up_answer, mine)}"
                    )
    assert walked > 100, f"only {walked} ids were tried: the walk is not reaching the API"
    # A request its schema refuses never reaches the rules that could leak: teach example()
    # to build that body rather than let the operation pass untested.
    assert not unfit, "requests the walk could not build:\n" + "\n".join(unfit)
    assert not differences, "\n".join(differences)


REFUSED_FIRST = {
    "webhook.url_invalid", "webhook.insecure_url", "webhook.url_not_allowed",
    "webhook.url_unresolvable", "webhook.unknown_event_type",
}
"""Refusals of a webhook request's own fields, given before its workspace scope is read."""


def _refusal_code(answer: Any) -> str:
    """The problem code of a 422 answer ("" for any other)."""
    return str(answer.json().get("code", "")) if answer.status_code == 422 else ""


def _refused_first(answer: Any) -> bool:
    return _refusal_code(answer) in REFUSED_FIRST


def _schema_refused(answer: Any) -> bool:
    code = _refusal_code(answer)
    return code == "request.invalid" or code.endswith(".invalid_input")


def _current(
    partner: Partner, request: tuple[str, dict[str, str], Json, str]
) -> tuple[str, dict[str, str], Json]:
    # A command names the version it read: read it just before sending, so that a command
    # both ids may carry out (the first one changed the record) is not refused as stale.
    path, query, body, record = request
    if isinstance(body, dict) and "expected_version" in body:
        current = partner.call("GET", record, {}, None)
        if current.status_code == 200:
            body = {**body, "expected_version": current.json().get("version", 0)}
    return path, query, body


def _requests(
    path: str, method: str, operation: Json, document: Json, own: dict[str, list[str]],
    attacker: Partner,
) -> Iterator[tuple[str, str, Any]]:
    """For one operation: each id slot's name, where it is, and a maker of the request with
    a given id in that slot (and the attacker's own ids everywhere else)."""
    parameters = [p for p in re.findall(r"{(\w+)}", path) if _is_id(p)]
    collection = path.split("/{")[0]
    own_path: dict[str, str] = {}
    for name in parameters:
        ids = _own_path_ids(name, collection, own, attacker)
        own_path[name] = ids[0] if ids else "none"

    def fill(values: dict[str, str], template: str = path) -> str:
        return re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), "none"), template)

    body: Json = None
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = example(schema, document, "body", own)
    record = path.split("}")[0] + "}"
    queries = [q["name"] for q in operation.get("parameters", ())
               if q.get("in") == "query" and _is_id(q["name"])]

    for name in parameters:
        kind = "record_id" if name == "record_id" else name
        yield (
            _record_key(collection, own) if kind == "record_id" else kind, f"path {name}",
            lambda value, name=name: (
                fill({**own_path, name: value}), {}, body,
                fill({**own_path, name: value}, record),
            ),
        )
    for name in queries:
        yield name, f"query {name}", lambda value, name=name: (
            fill(own_path), {name: value}, body, fill(own_path, record),
        )
    for trail in id_slots(body):
        yield (
            _field_of(trail), "body " + ".".join(map(str, trail)),
            lambda value, trail=trail: (
                fill(own_path), {}, _put(body, trail, value), fill(own_path, record),
            ),
        )


def _record_key(collection: str, pools: dict[str, Any]) -> str:
    """A record's id field, named for its collection (meetings: ``meeting_id``,
    report-requests: ``request_id``, priorities: ``priority_id``): the longest learned id
    name whose stem ends the collection's singular name."""
    plural = collection.rsplit("/", 1)[1].replace("-", "_")
    singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
    names = [key for key in pools if key.endswith("_id")
             and singular.endswith(key.removesuffix("_id"))]
    return max(names, key=len) if names else "record_id"


def _own_path_ids(
    name: str, collection: str, own: dict[str, list[str]], attacker: Partner
) -> list[str]:
    if name == "record_id":
        listed = attacker.call("GET", collection, {}, None)
        items = listed.json().get("items", []) if listed.status_code == 200 else []
        key = _record_key(collection, own)
        return [str(item[key]) for item in items if key in item]
    return pool_for(name, own)
