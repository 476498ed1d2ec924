"""Console sessions: an HMAC-signed cookie, so every web replica accepts it and the token
never sits in it (``NAME~EXPIRES~NONCE~MAC``, the MAC keyed by the token's secret: a
changed or removed token ends its sessions). The CSRF token is derived from the same key
and nonce, so it is per session; both are compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from feedsvc.admintokens import AdminToken

COOKIE = "feedsvc_admin"
PRE_COOKIE = "feedsvc_admin_pre"  # the sign-in form's CSRF value (double submit)
LIFETIME = 12 * 3600  # seconds a session lasts
SEP = "~"  # never in a token NAME, nor in hex


def _mac(token: AdminToken, purpose: str, *parts: str) -> str:
    message = "|".join(("feedsvc-admin", purpose, *parts)).encode()
    return hmac.new(token.secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    token: AdminToken
    expires: int
    nonce: str

    @property
    def csrf(self) -> str:
        return _mac(self.token, "csrf", self.nonce)

    def cookie(self) -> str:
        expires = str(self.expires)
        mac = _mac(self.token, "session", self.token.name, expires, self.nonce)
        return SEP.join((self.token.name, expires, self.nonce, mac))

    def csrf_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.csrf.encode())


class Sessions:
    """Issues and checks session cookies; remembers sign-outs until they expire."""

    def __init__(self, tokens: Sequence[AdminToken]) -> None:
        self._tokens = {t.name: t for t in tokens}
        self._revoked: dict[str, int] = {}  # nonce → expiry

    def issue(self, token: AdminToken, now: float | None = None) -> Session:
        at = int(time.time() if now is None else now)
        return Session(token, at + LIFETIME, secrets.token_hex(16))

    def check(self, value: str | None, now: float | None = None) -> Session | None:
        parts = (value or "").split(SEP)
        if len(parts) != 4 or not parts[1].isdigit():
            return None
        name, expires, nonce, mac = parts
        token = self._tokens.get(name)
        if token is None:
            return None
        expected = _mac(token, "session", name, expires, nonce)
        if not hmac.compare_digest(mac.encode(), expected.encode()):
            return None
        at = time.time() if now is None else now
        if int(expires) <= at or nonce in self._revoked:
            return None
        return Session(token, int(expires), nonce)

    def revoke(self, session: Session, now: float | None = None) -> None:
        at = time.time() if now is None else now
        self._revoked = {n: e for n, e in self._revoked.items() if e > at}
        self._revoked[session.nonce] = session.expires
