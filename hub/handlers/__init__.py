"""Application handlers: resolve facts, build commands, call the service; one module per record."""
