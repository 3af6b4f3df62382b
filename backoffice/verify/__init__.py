"""The public verification page for any issued paper."""
