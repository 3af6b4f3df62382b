"""The breach register: incidents, the 72-hour clock for the report to the Data Protection Board, and notices."""
