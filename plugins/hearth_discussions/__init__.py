"""The discussion index: conversations in the community's chat, whichever platform."""
