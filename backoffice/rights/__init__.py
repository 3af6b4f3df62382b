"""The data principal's rights under the DPDP Act: access, correction, erasure, nomination and grievance."""
