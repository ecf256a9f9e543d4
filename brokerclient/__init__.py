"""The broker-client library: everything that reaches a Pact Broker over HTTP, shared by the applications.

- ``client``: the typed HTTP client (the same paths and HAL relations the Pact tools use).
- ``access``: the calls the mock and load tools need (pacts for verification, verification results).
- ``contract_source``: which pacts qualify (files, or the broker's pacts-for-verification), and why others do not.
- ``options``: the one set of click options for choosing contracts, the same names in every command.
- ``errors``: ``BrokerClientError``, the root of everything raised here.
"""
