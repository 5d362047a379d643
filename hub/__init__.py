"""The Partnership Hub: the live, event-sourced record of PCCs' statutory partnership work."""
