"""The ASGI app for production web processes (``uvicorn hub.web.asgi:app``)."""

from hub.bootstrap import Hub
from hub.settings import Settings
from hub.web.app import create_app, prepare_heap_for_serving

app = create_app(Hub(Settings.from_env()))
prepare_heap_for_serving()
