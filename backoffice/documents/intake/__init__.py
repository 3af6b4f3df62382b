"""Checks, cleans, rasterises and encrypts uploaded documents before anything else touches them."""
