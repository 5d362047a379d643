"""The JSON API: thin endpoints that parse a body, call a handler and answer in JSON."""
