"""Citizens as the bot knows them: profiles, language, consent and the 24-hour window."""
