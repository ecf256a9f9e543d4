"""The example project: the OrdersApi provider, its drifted twin, two consumers and their pacts."""
