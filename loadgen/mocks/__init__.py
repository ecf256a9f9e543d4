"""In-process mocks for unit tests, built from a provider's verified interactions.

:class:`loadgen.mocks.contract_mock.ContractMock` answers ``httpx`` (a ``MockTransport``, or by patching
httpx's transports) and ``requests`` (a transport adapter, or by patching ``HTTPAdapter.send``) with
the same selection engine and mismatch reports as the mock server. The pytest fixtures live in
:mod:`loadgen.pytest_plugin`.
"""
