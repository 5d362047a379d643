"""Imports every command module so that :func:`schemas.commands.all_commands` sees them all."""

from schemas.commands import directory, duties, meetings, mergers, reports  # noqa: F401
