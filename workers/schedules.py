"""Imports every module that registers reactions."""
from workers import duties as _duties  # noqa: F401
from workers import governance as _governance  # noqa: F401
from workers import mail as _mail  # noqa: F401
from workers import meetings as _meetings  # noqa: F401
from workers import mergers as _mergers  # noqa: F401
from workers import reorganisation as _reorganisation  # noqa: F401
from workers import reports as _reports  # noqa: F401
from workers import uploads as _uploads  # noqa: F401
from workers import webhooks as _webhooks  # noqa: F401
