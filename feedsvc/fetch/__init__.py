"""fetch stage: HTTP GET with limits, conditional requests, charset decoding and the
private-network guard; see docs/architecture.md."""

from feedsvc.fetch.charset import Decoded, decode_html
from feedsvc.fetch.client import Fetcher, default_user_agent
from feedsvc.fetch.guard import AddressGuard, BlockedHostError, GuardedResolver, blocked_reason

__all__ = [
    "AddressGuard",
    "BlockedHostError",
    "Decoded",
    "Fetcher",
    "GuardedResolver",
    "blocked_reason",
    "decode_html",
    "default_user_agent",
]
