"""Events of the Section 10 duty register."""
