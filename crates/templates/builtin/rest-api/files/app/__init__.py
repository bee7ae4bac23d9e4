"""{{ name }}: a FastAPI service."""
