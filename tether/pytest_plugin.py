"""pytest plugin entry point (registered as `tether` in the pytest11 entry-point group).

The fixtures for contract-backed mocks and the mock audit are implemented by ``loadgen``;
this module only wires them into pytest so users get them by installing Tether.
"""

pytest_plugins = ["loadgen.pytest_plugin"]
