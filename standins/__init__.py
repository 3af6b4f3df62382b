"""Local stand-ins for the external systems Seva talks to, so it runs and tests with no network."""
