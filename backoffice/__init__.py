"""Seva's back-office: the officers' screens, the workflow and the bot's API (app factory in `backoffice.app`)."""
