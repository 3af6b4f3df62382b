"""A local stand-in for Meta's WhatsApp Cloud API: Graph API routes, signed webhooks and a phone page."""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
