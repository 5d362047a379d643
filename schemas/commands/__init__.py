"""Command models: what a caller asks a record to do, one module per record type.

A command holds the caller's input *and* the facts the service resolved for it (for example
the responsible authorities of the CSP a report is required from), so that ``decide`` needs no
I/O. Fields a caller must never choose (the acting organisation, the record's id, resolved
facts) are marked ``Resolved``; what a caller may send is its request model, in
``schemas.requests``.
"""

from schemas.commands.base import Command, all_commands

__all__ = ["Command", "all_commands"]
