"""Snippets for docs/tensors.md."""
