"""Tells citizens on WhatsApp, in their language, each time their application changes status."""
