"""The law, as pure functions: one module per record type, each with ``decide`` and ``evolve``.

Nothing here does I/O or reads the clock: the service hands in the state, the command and
``now``, and gets back the events to append or a :class:`~hub.domain.errors.DomainError`.
"""
