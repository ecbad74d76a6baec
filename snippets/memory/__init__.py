"""Snippets for docs/memory.md."""
