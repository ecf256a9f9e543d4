"""The mock audit: hand-written test mocks checked against the provider's verified contracts.

- :mod:`mocking.audit.recorder`: records every mock registered through respx, pytest-httpx, responses
  and requests-mock (their registration APIs are wrapped only while the audit runs).
- :mod:`mocking.audit.targets`: the ``--tether-audit PROVIDER=SOURCE`` options (OpenAPI specs, pacts, brokers).
- :mod:`mocking.audit.spec_check`: each mock read as a one-interaction pact and checked by the one
  OpenAPI engine (:mod:`contracts.openapi`); :mod:`mocking.audit.contract_check`: against verified pacts.
  Both report :class:`contracts.findings.Finding` with the engine's rule codes.
- :mod:`mocking.audit.report`: the terminal report and the JSON report.
- :mod:`mocking.audit.pact_writer`: the recorded mocks written as a consumer pact.
- :mod:`mocking.audit.plugin`: the pytest hooks.
"""
