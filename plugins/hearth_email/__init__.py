"""Email: one issue rendered for inboxes (HTML with inlined CSS, and plain text), and its checks."""
