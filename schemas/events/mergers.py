"""Events of CSP combination agreements (mergers) under CDA s.5(1A)-(1E) and s.5A."""
