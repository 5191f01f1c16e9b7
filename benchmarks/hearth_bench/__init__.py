"""`invoke bench`: a synthetic archive at a real newsletter's scale, and Hearth's speed on it."""
