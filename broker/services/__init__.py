"""Business logic, one module per area. Functions take a ``Session`` and return typed results."""
