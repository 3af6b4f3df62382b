"""What every room stands on: time and the errors services raise for the API."""
