"""Demo data: real structures from public facts, invented people. ``hub demo`` loads it."""
