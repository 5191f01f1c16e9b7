"""Buttondown: send each issue by email (`invoke send`); import an archive of sent emails."""
