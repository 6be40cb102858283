"""Liveness and readiness: database reachable, migrations at head."""
