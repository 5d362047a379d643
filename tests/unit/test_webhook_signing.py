"""Standard Webhooks signing: our signatures verify with the reference library."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from hub.webhooks.payloads import headers
from hub.webhooks.signing import new_secret, sign, signature_header


def test_a_secret_is_whsec_and_the_base64_of_at_least_24_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert new_secret() != secret


@given(st.binary(max_size=2000), st.text(min_size=1, max_size=40).filter(lambda s: "." not in s))
def test_a_signature_is_what_the_reference_library_computes(body: bytes, message_id: str) -> None:
    secret = new_secret()
    timestamp = 1_790_000_000
    expected = Webhook(secret).sign(
        message_id, datetime.fromtimestamp(timestamp, UTC), body.decode("latin-1")
    )
    if body.decode("latin-1").encode() == body:
        assert sign(secret, message_id, timestamp, body) == expected


def test_a_delivery_verifies_with_the_reference_library_and_a_tampered_one_does_not() -> None:
    secret, body = new_secret(), '{"type":"report_request.submitted","data":{"é":1}}'.encode()
    sent = headers("evt-1", int(time.time()), body, [secret], "hub.example.org")
    assert Webhook(secret).verify(body, sent) == {"type": "report_request.submitted",
                                                  "data": {"é": 1}}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, sent)


def test_during_a_rotation_both_secrets_verify_each_on_its_own() -> None:
    old, new, body, now = new_secret(), new_secret(), b'{"a":1}', int(time.time())
    header = signature_header([new, old], "evt-2", now, body)
    assert len(header.split(" ")) == 2
    sent = {"webhook-id": "evt-2", "webhook-timestamp": str(now), "webhook-signature": header}
    for secret in (old, new):
        assert Webhook(secret).verify(body, sent) == {"a": 1}


def test_a_stale_timestamp_is_refused_by_receivers_so_each_attempt_signs_afresh() -> None:
    secret, body = new_secret(), b"{}"
    stale = headers("evt-3", int(time.time()) - 600, body, [secret], "hub.example.org")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, stale)
