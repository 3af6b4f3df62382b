"""Documents citizens send: intake checks, encryption, storage and attachment to applications."""
