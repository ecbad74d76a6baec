"""Snippets for docs/debugging.md."""
