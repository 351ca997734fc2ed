"""The generated client never shows its token (issue 16, finding 4): a failing assert in a
service's test prints the client's repr, which used to carry the key."""

from __future__ import annotations

from adapty_profile_client import AuthenticatedClient

TOKEN = "client-repr-secret-0123456789"


def test_the_clients_repr_hides_the_token_before_and_after_use() -> None:
    client = AuthenticatedClient(base_url="http://127.0.0.1:9", token=TOKEN, prefix="Api-Key")
    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    client.get_httpx_client()  # puts the Authorization header among the client's headers
    client.get_async_httpx_client()
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client.with_headers({"x": "y"}))
    assert client.token == TOKEN
