"""Snippets for docs/higher_order.md."""
