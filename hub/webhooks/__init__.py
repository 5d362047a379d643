"""Webhooks: partner systems receive every event they may see, signed, retried and logged.

| module | holds |
|---|---|
| ``config`` | the operator's settings, read from the environment |
| ``tables`` | endpoints, their secrets, messages (one per endpoint and event) and attempts |
| ``errors`` | the refusals, each with a stable code (``ERRORS``) |
| ``signing`` | ``whsec_`` secrets and Standard Webhooks signatures |
| ``filters`` | event-type filters with wildcards |
| ``guard`` | the SSRF guard: which addresses the hub may connect to, checked after DNS |
| ``transport`` | the HTTP client that connects only to checked addresses, never follows redirects |
| ``payloads`` | the CloudEvents body and the signed headers of a message |
| ``endpoints`` | managing an organisation's endpoints: add, change, disable, rotate, remove |
| ``handshake`` | the CloudEvents webhook validation handshake (HTTP webhook spec, section 4) |
| ``fanout`` | which endpoints get each event of a batch, and the idempotent message rows |
| ``delivery`` | attempts in groups: claim, send, record, schedule the next; the sweep |
| ``log`` | the message log, redelivery and replay |
| ``metrics`` | delivered, failed, retried and disabled counters on ``/metrics`` |
| ``catalogue`` | every event type with its JSON Schema and an example payload |
"""
