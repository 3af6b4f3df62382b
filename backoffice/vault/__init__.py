"""The Aadhaar vault: full numbers only under AES-GCM, found again by a keyed HMAC, shown everywhere masked."""
