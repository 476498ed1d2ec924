"""Fixtures live in api_support (importable by name, like tests/web's helpers)."""

from api_support import harness, make_harness

__all__ = ["harness", "make_harness"]
