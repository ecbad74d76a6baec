"""Snippets for docs/backward.md."""
