"""FastAPI routers, one module per area; registered in ``broker.app.create_app``."""
