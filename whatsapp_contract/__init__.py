"""What Meta publishes about the WhatsApp Cloud API, followed alike by the channel and by the Cloud API stand-in."""
