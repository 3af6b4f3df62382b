"""Administration: creating, deactivating and reactivating back-office users."""
