"""Snippets for docs/training_errors.md."""
