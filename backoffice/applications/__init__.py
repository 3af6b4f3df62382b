"""Applications: the one workflow, the officer queue, the Act's deadlines, and what the bot does with drafts."""
