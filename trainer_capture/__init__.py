"""What the bot and the back-office agree on about misunderstood messages: redaction, style, the queue's key."""
