"""WhatsApp through Twilio: signed webhook, TwiML or REST replies, numbered options, media."""
