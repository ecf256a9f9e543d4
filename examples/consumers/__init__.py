"""The two consumers of OrdersApi: OrderWeb (pact-python) and OrderMobile (pact-js)."""
