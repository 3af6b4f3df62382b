"""What Meta publishes about the WhatsApp Cloud API, and who a WhatsApp user is to us: shared by the channel, the
back-office and the Cloud API stand-in."""
