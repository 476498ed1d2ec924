"""The console runs on the admin API's harness (tests/api/api_support.py)."""

from api.api_support import harness, make_harness

__all__ = ["harness", "make_harness"]
