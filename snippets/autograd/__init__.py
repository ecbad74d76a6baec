"""Snippets for docs/autograd.md."""
