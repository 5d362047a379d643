"""The published contracts: Pydantic models of every event payload and API body.

``schemas.registry`` knows every event type, its current version and how to upcast older
versions; ``python -m schemas.generate`` writes the JSON Schema files under ``schemas/json``.
"""
