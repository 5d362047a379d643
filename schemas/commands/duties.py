"""Commands of the Section 10 duty register."""
