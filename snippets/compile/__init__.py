"""Snippets for docs/compile.md."""
