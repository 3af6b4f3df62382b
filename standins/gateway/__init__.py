"""A local stand-in for Razorpay's test mode: payment links, payments, refunds, signed webhooks, a hosted page."""
