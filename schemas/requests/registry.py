"""Imports every request module so that :func:`schemas.requests.all_requests` sees them all."""

from schemas.requests import directory, duties, meetings, mergers, reports  # noqa: F401
