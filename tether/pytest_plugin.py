"""pytest plugin entry point (registered as `tether` in the pytest11 entry-point group).

The fixtures for contract-backed mocks and the mock audit are implemented by ``mocking``;
this module only wires them into pytest so users get them by installing Tether.
"""

pytest_plugins = ["mocking.pytest_plugin"]
