"""HAL representations of service results, one module per area."""
