"""Snippets for docs/cuda.md."""
