"""Weighted Locust scenarios generated from verified contracts.

- :mod:`loadgen.locust.weights`: where task and user weights come from (file, traffic log, default).
- :mod:`loadgen.locust.routes`: path templates (``/orders/{id}``) that group statistics.
- :mod:`loadgen.locust.scenario`: the scenario model built from pacts.
- :mod:`loadgen.locust.render`: the scenario written as a readable locustfile.
- :mod:`loadgen.locust.runtime`: what a generated locustfile imports at run time (fresh requests,
  provider-state set-up, value chaining, the contract check of every response).
- :mod:`loadgen.locust.hooks`: the generated file's Locust side (base user class, threshold options,
  tag pruning, the verdict and exit code when Locust quits); the only module that imports Locust.
- :mod:`loadgen.locust.usercode`: the user's own module next to a generated file, never overwritten.
- :mod:`loadgen.locust.verdict`: failure classes (contract drift, availability), thresholds, the judge.
- :mod:`loadgen.locust.runner`: headless runs and their results; :mod:`loadgen.locust.csvstats`:
  Locust's CSV statistics (live totals, hand-written locustfiles).
"""
