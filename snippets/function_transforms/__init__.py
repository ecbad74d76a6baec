"""Snippets for docs/function_transforms.md."""
