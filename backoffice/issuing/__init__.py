"""Issuing signed papers (certificates, acknowledgements), delivering them, and the officers' revoke/reissue."""
