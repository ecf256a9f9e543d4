"""The broker-client library: everything that reaches a Pact Broker over HTTP, shared by the applications.

- ``client``: the typed HTTP client (the same paths and HAL relations the Pact tools use).
- ``connection``: ``BrokerConnection``, a broker's URL and credentials, checked once.
- ``selectors``: ``ConsumerVersionSelector``, the one typed consumer version selector, and its parser.
- ``selection``: the selector options' values (``--main-branch``, ``--tag``...) and the selectors they mean.
- ``access``: the calls the mock, load and audit tools need (pacts for verification, pacts, verification results).
- ``contract_source``: which pacts qualify (files, or the broker's pacts-for-verification), and why others do not.
- ``option_specs`` / ``options``: each broker and selector option declared once, as click and pytest options.
- ``errors``: ``BrokerClientError``, the root of everything raised here.
"""
