"""Events of the Section 10 duty register: relevant priorities, regard decisions, plan objectives, reciprocal regard and criminal justice arrangements."""
