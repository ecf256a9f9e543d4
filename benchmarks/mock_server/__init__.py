"""Helpers of ``benchmarks/bench_mock_server.py``: the contract, the peers, the wrk load."""
