"""Snippets for docs/grad_none.md."""
