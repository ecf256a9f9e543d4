"""OrderWeb: the web shop's back end, a consumer of OrdersApi whose pact is written by pact-python."""
