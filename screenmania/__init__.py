"""
The project: settings (one module, read from the environment), root URLs, WSGI/ASGI,
gunicorn's configuration and the request watchdog.
"""
