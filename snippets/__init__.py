"""Runnable example programs, one folder per page in docs/.

Each file is a complete program a reader can copy and run with `python file.py`.
The build runs it and shows its output; tests/snippets/ asserts on what it computes.
"""
