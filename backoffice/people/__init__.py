"""Back-office people: departments, users, roles and passwords."""
