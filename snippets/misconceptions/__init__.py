"""Snippets for docs/misconceptions.md."""
