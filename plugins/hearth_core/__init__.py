"""Shared building blocks for Hearth's plugins: problems and source headers."""
