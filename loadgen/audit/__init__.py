"""The mock audit: hand-written test mocks checked against the provider's verified contracts.

- :mod:`loadgen.audit.recorder`: records every mock registered through respx, pytest-httpx, responses
  and requests-mock (their registration APIs are wrapped only while the audit runs).
- :mod:`loadgen.audit.targets`: the ``--tether-audit PROVIDER=SOURCE`` options (OpenAPI specs, pacts, brokers).
- :mod:`loadgen.audit.openapi_check` / :mod:`loadgen.audit.contract_check`: the checks.
- :mod:`loadgen.audit.findings`: typed findings (drift kinds).
- :mod:`loadgen.audit.report`: the terminal report and the JSON report.
- :mod:`loadgen.audit.pact_writer`: the recorded mocks written as a consumer pact.
- :mod:`loadgen.audit.plugin`: the pytest hooks.
"""
