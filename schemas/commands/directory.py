"""Commands of the partner directory."""
