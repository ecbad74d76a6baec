"""Snippets for docs/func.md."""
