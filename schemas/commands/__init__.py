"""Command models: what a caller asks a record to do, one module per record type.

A command holds the caller's input *and* the facts the service resolved for it (for example
the responsible authorities of the CSP a report is required from), so that ``decide`` needs no
I/O. Fields a caller must never choose (the acting organisation, resolved facts) are filled in
by the service, never taken from a request body.
"""

from schemas.commands.base import Command, all_commands

__all__ = ["Command", "all_commands"]
