"""The live admin dashboard: tiles of traffic, applications, deadlines, fees, OCR, NLU, deliveries and queues."""
