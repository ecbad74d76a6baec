"""Snippets for docs/profiling.md."""
