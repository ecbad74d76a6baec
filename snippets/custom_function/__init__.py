"""Snippets for docs/custom_function.md."""
