"""Who may do what: accounts, sessions, API tokens and the one access policy."""
