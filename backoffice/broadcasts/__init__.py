"""Department broadcasts: utility announcements to consenting citizens, four-eyes approved, throttled, reported."""
