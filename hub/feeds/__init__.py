"""Calendar feeds: meetings and deadlines as RFC 5545 calendars that partners subscribe to.

- :mod:`hub.feeds.tables` and :mod:`hub.feeds.tokens`: the feeds and their secret tokens
  (created, listed, rotated, revoked; stored only as digests);
- :mod:`hub.feeds.scope`: what a token may show, resolved at each request from its owner's
  standing today;
- :mod:`hub.feeds.entries`: which meetings and deadlines a feed holds, read from the read models;
- :mod:`hub.feeds.ical`: each entry as a ``VEVENT``, and the calendar around them, with
  ``icalendar``;
- :mod:`hub.feeds.publish`: a feed's current version, cached until its content changes.
"""
