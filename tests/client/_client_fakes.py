"""The fake Adapty API of the client tests: an httpx.MockTransport handler."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from adapty_profile_client import AuthenticatedClient

API_KEY = "secret-live-key"
BASE_URL = "https://api.adapty.io"
PROFILE_PATH = "/api/v2/server-side-api/profile/"
REQUEST_ID = "758f01dfd9e74ccfbabb4934241c4966"


@dataclass
class FakeApi:
    """Answers every request with the next queued response, and keeps the requests."""

    requests: list[httpx.Request] = field(default_factory=list)
    responses: list[httpx.Response] = field(default_factory=list)

    def reply(
        self,
        status: int,
        body: Any = None,
        *,
        raw: bytes | None = None,
        request_id: str = REQUEST_ID,
    ) -> None:
        headers = {"Request-Id": request_id}
        if raw is not None:
            headers["Content-Type"] = "application/json"
            self.responses.append(httpx.Response(status, content=raw, headers=headers))
        elif body is None:
            self.responses.append(httpx.Response(status, headers=headers))
        else:
            self.responses.append(httpx.Response(status, json=body, headers=headers))

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.responses.pop(0)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


def fake_client(api: FakeApi, token: str = API_KEY) -> AuthenticatedClient:
    """The generated client as a service makes it, talking to ``api`` (no network)."""
    return AuthenticatedClient(
        base_url=BASE_URL,
        token=token,
        prefix="Api-Key",
        httpx_args={"transport": httpx.MockTransport(api.handle)},
    )
