"""Snippets for docs/forward_mode.md."""
