"""Human handover: a citizen's WhatsApp conversation in the officer inbox, claimed, answered, handed back."""
