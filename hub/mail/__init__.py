"""Email: notices of what happened to a record, to the people who may see it.

An event's reaction (:mod:`workers.mail`) decides what the event means to whom
(:mod:`hub.mail.notices`), renders one message per recipient (:mod:`hub.mail.compose`, with an
iMIP calendar part for meetings: :mod:`hub.mail.imip`), and stores each under a key unique to
the event and recipient (:mod:`hub.mail.outbox`), so a repeated reaction adds nothing. Delivery
jobs then send the stored messages through the configured provider (:mod:`hub.mail.transport`:
SMTP, GOV.UK Notify, or the outbox page when nothing is configured), record every attempt and
retry failures with backoff. Commands never wait for mail: a provider that is down delays the
mail, not the work. People choose, per kind of message, to have it at once, in a daily
digest (:mod:`hub.mail.digest`) or not at all (:mod:`hub.mail.preferences`, with the signed
one-click unsubscribe); statutory notices go whatever the choice.
"""
