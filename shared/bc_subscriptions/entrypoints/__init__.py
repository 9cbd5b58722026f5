"""Shared edge helpers for the thin handlers in functions/*/app.py."""
