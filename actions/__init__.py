"""Custom actions for the Rasa action server; they reach the back-office only through its HTTP API."""
