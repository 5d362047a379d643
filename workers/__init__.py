"""Background work: the dispatcher that tails the log, and the RQ jobs it enqueues."""
