"""Snippets for docs/backward_options.md."""
