"""Retention: what Seva deletes once its purpose has ended, and what a law makes it keep (and for how long)."""
