"""Read models, one module per concern, each a projection of the event log.

:func:`all_projections` combines every module's handlers into the one projector the store
runs inside each append.
"""

from __future__ import annotations

from hub.projections import directory, duties, meetings, mergers, reports, search
from hub.projections.registry import Projections

# Search last: it reads the meeting and merger rows the others have just written.
MODULES = (directory, duties, reports, mergers, meetings, search)


def all_projections() -> Projections:
    """One projector holding every module's handlers and read tables."""
    combined = Projections()
    for module in MODULES:
        combined.merge(module.projections)
    return combined
