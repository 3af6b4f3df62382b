"""Demo data: departments, users, applications and ledgers for `flask seed` and tests."""
