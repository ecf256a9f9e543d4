"""Tether's front door: the `tether` CLI, settings and the pytest plugin entry point."""
