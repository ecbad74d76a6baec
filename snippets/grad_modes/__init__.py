"""Snippets for docs/grad_modes.md."""
