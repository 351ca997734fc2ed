"""ASGI middleware around the endpoints: the API key, the request log, injected faults."""
