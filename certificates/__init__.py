"""Signed certificates, receipts and acknowledgements: PDF, PAdES signature, signed QR, verification."""
