"""A stand-in for an Indian SMS provider (Exotel's SMS API shape): sends with DLT checks, inbound SMS, status callbacks."""
