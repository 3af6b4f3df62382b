"""Reads identity documents from photos: preprocessing, quality gate, Tesseract, extraction and cross-checks."""
