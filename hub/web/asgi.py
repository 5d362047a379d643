"""The ASGI app for production web processes (``uvicorn hub.web.asgi:app``, see the Procfile)."""

from hub.bootstrap import Hub
from hub.logs import configure_logging
from hub.settings import Settings
from hub.web.app import create_app, prepare_heap_for_serving

settings = Settings.from_env()
configure_logging(settings.log_level)
app = create_app(Hub(settings))
prepare_heap_for_serving()
