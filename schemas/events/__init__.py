"""Every event payload, one module per record type. Importing this package registers them."""

from schemas.events import directory, duties, meetings, mergers, reports  # noqa: F401
