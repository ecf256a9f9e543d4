"""The mock server: verified pacts served over HTTP, with explanations, faults and an admin API.

- :mod:`mocking.server.interactions`: interactions prepared for serving (pre-rendered responses).
- :mod:`mocking.server.dispatch`: the dispatch table (method + literal path / path regex).
- :mod:`mocking.server.engine`: request selection (provider state, strictness, ranking) and responses;
  shared by the server and the in-process pytest mocks.
- :mod:`mocking.server.report`: the mismatch report sent when nothing matches.
- :mod:`mocking.server.faults`: the faults/latency file and its runtime decisions.
- :mod:`mocking.server.journal`: the bounded request journal.
- :mod:`mocking.server.app`: the raw ASGI application with the ``/__tether/`` admin API.
- :mod:`mocking.server.server`: running it under uvicorn, hot reload by webhook or polling.
"""
