"""Server-rendered pages built from GOV.UK Frontend components."""
