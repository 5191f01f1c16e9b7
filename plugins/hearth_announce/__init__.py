"""`invoke announce`: open an issue's threads where the community talks."""
