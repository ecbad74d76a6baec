"""Snippets for docs/custom_ops.md."""
