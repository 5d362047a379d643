"""Commands of report requests under CDA s.7."""
