"""The officers' screens: the department queue, the application page and its actions, document viewing."""
