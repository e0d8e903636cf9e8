"""WeChat's customer-service message API: texts sent to a person after the reply, as WeChat documents it.

An answer that takes longer than WeChat waits, and every part of a long text after the first, go
through `cgi-bin/message/custom/send` (allowed for 48 hours after the person last wrote). Calls
carry an access token from `cgi-bin/stable_token` in its normal mode: every replica asking gets the
same token until WeChat renews it, so replicas need no shared cache and none invalidates another's.
The token is kept until a minute before it expires, fetched again when WeChat says it expired or is
invalid, and never logged. The API root is a setting, so that tests talk to a stub.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

log = logging.getLogger(__name__)

TOKEN_REFUSED = frozenset({40001, 40014, 42001})
"""WeChat's codes for an access token that is invalid or expired: fetch a new one and try again."""
TRIES = 3
"""Tries of one message through connection failures and server errors."""
EARLY = 60.0
"""Seconds before its expiry a token is fetched anew."""
TIMEOUT = 10.0


class Unreachable(Exception):
    """WeChat's API did not answer, or not with JSON."""


class CustomerService:
    """Sends texts to people who wrote to the account, through WeChat's API."""

    def __init__(
        self, api_url: str, app_id: str, app_secret: str, *, client: httpx.AsyncClient | None = None, pause: float = 1.0
    ) -> None:
        self._root = api_url.rstrip("/")
        self._app_id = app_id
        self._secret = app_secret
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self._pause = pause
        """Seconds before the first retry after a failure; doubled for each after."""
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def send(self, openid: str, text: str) -> bool:
        """Send one text to a person; False (and a log line saying why) when WeChat would not take it."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        renewed = False
        for attempt in range(TRIES):
            try:
                token = await self._access_token()
                answer = await self._call("cgi-bin/message/custom/send", payload, access_token=token)
            except Unreachable as error:
                log.warning("wechat: customer-service API not reached (%s)%s", error,
                            "; trying again" if attempt + 1 < TRIES else "; the message is not sent")  # fmt: skip
                await asyncio.sleep(self._pause * 2**attempt if attempt + 1 < TRIES else 0)
                continue
            code = answer.get("errcode", 0)
            if code == 0:
                return True
            if code in TOKEN_REFUSED and not renewed:
                renewed = True
                self._token = None
                continue
            log.warning("wechat: the customer-service API refused a message: %s %s", code, _said(answer))
            return False
        return False

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def _access_token(self) -> str:
        async with self._lock:
            if self._token is not None and time.monotonic() < self._expires:
                return self._token
            answer = await self._call(
                "cgi-bin/stable_token",
                {"grant_type": "client_credential", "appid": self._app_id, "secret": self._secret},
            )
            token, lasts = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(token, str) or not token or not isinstance(lasts, int):
                # e.g. 40164 when this server's address is not on the account's IP allow-list
                raise Unreachable(f"no access token: {answer.get('errcode')} {_said(answer)}")
            self._token, self._expires = token, time.monotonic() + max(0.0, lasts - EARLY)
            return token

    async def _call(self, path: str, payload: dict[str, Any], **query: str) -> dict[str, Any]:
        # WeChat shows \u escapes literally in some places: send the characters themselves
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            response = await self._client.post(f"{self._root}/{path}", params=query, content=body,
                                               headers={"Content-Type": "application/json; charset=utf-8"})  # fmt: skip
        except httpx.HTTPError as error:
            raise Unreachable(type(error).__name__) from None
        if response.status_code >= 500:
            raise Unreachable(f"HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise Unreachable(f"HTTP {response.status_code} without JSON") from None
        if not isinstance(answer, dict):
            raise Unreachable("an answer that is not a JSON object")
        return answer


def _said(answer: dict[str, Any]) -> str:
    """WeChat's own words on a refusal, short."""
    return str(answer.get("errmsg", ""))[:200]
