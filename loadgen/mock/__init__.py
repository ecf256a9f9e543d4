"""The mock server: verified pacts served over HTTP, with explanations, faults and an admin API.

- :mod:`loadgen.mock.interactions`: interactions prepared for serving (pre-rendered responses).
- :mod:`loadgen.mock.dispatch`: the dispatch table (method + literal path / path regex).
- :mod:`loadgen.mock.engine`: request selection (provider state, strictness, ranking) and responses;
  shared by the server and the in-process pytest mocks.
- :mod:`loadgen.mock.report`: the mismatch report sent when nothing matches.
- :mod:`loadgen.mock.faults`: the faults/latency file and its runtime decisions.
- :mod:`loadgen.mock.journal`: the bounded request journal.
- :mod:`loadgen.mock.app`: the raw ASGI application with the ``/__tether/`` admin API.
- :mod:`loadgen.mock.server`: running it under uvicorn, hot reload by webhook or polling.
"""
