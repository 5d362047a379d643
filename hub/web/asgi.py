"""The ASGI app for production web processes (``uvicorn hub.web.asgi:app``)."""

from hub.bootstrap import Hub
from hub.settings import Settings
from hub.web.app import create_app, freeze_startup_heap

app = create_app(Hub(Settings.from_env()))
freeze_startup_heap()
