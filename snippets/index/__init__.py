"""Snippets for docs/index.md."""
