"""Snippets for docs/distributed.md."""
