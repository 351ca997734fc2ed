"""The bare baseline of the server benchmark: a Starlette app that parses the JSON body and
answers a fixed response, served by uvicorn in its own process exactly like the recorded server.

It is what "the fastest this can be on this machine" means in the benchmark's ratios: the same
framework, the same JSON parser and a same-sized answer, with no validation, no storage and no
logging of its own, on the fastest uvicorn stack installed (:func:`fast_stack`: httptools and
uvloop, from ``uvicorn[standard]`` in the ``bench`` dependency group, when they are importable).
The benchmark also runs it on uvicorn's pure-Python h11 protocol with uvicorn's default loop
(uvloop when importable), the recorded server's stack until issue 17 and its fallback since (it
serves on httptools when installed), as a second comparison.

Run: ``python scripts/_bench_baseline.py --port 8001 [--stack fast|h11]`` (the benchmark starts
it for you).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PROFILE_PATH = "/api/v2/server-side-api/profile/"

# A new profile as the recorded server answers it (same fields, about the same size).
FIXED_PROFILE: dict[str, Any] = {
    "data": {
        "app_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "profile_id": "8d8bc1c3-0a4e-4b8c-9a41-0f1a4f1b2c3d",
        "customer_user_id": "bench-0-0",
        "total_revenue_usd": 0.0,
        "segment_hash": "bench",
        "timestamp": 1700000000000,
        "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}],
        "access_levels": [],
        "subscriptions": [],
        "non_subscriptions": [],
    }
}
FIXED_BODY = json.dumps(FIXED_PROFILE, separators=(",", ":")).encode()
HEALTH_BODY = b'{"status":"ok"}'


async def profile(request: Request) -> Response:
    """Parse the body (POST and PATCH) like the real server must, then answer the fixed body."""
    if request.method in {"POST", "PATCH"}:
        await request.json()
    return Response(FIXED_BODY, media_type="application/json")


async def health(request: Request) -> Response:
    return Response(HEALTH_BODY, media_type="application/json")


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route(PROFILE_PATH, profile, methods=["GET", "POST", "PATCH"]),
            Route("/_recorded/health", health, methods=["GET"]),
        ]
    )


app = create_app()


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def fast_stack() -> tuple[str, str]:
    """(loop, http) of the fastest uvicorn stack installed: uvloop and httptools when they are
    importable, else asyncio and h11 (then the two baselines are the same stack)."""
    loop = "uvloop" if _importable("uvloop") else "asyncio"
    http = "httptools" if _importable("httptools") else "h11"
    return loop, http


def server_stack() -> tuple[str, str]:
    """(loop, http) of the h11 line: uvicorn's h11 protocol on its default loop ("auto": uvloop
    when importable, else asyncio), the recorded server's fallback stack."""
    return ("uvloop" if _importable("uvloop") else "asyncio"), "h11"


STACKS = {"fast": fast_stack, "h11": server_stack}


def describe_stack(stack: str) -> str:
    """``uvicorn httptools + uvloop`` and the like, for the benchmark's output."""
    loop, http = STACKS[stack]()
    return f"uvicorn {http} + {loop}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--stack",
        choices=sorted(STACKS),
        default="fast",
        help="fast: httptools + uvloop when installed (the default); h11: uvicorn's pure-Python "
        "protocol on uvicorn's default loop, the stack the recorded server runs on",
    )
    parser.add_argument("--access-log", action="store_true", help="uvicorn's access log")
    args = parser.parse_args(argv)
    loop, http = STACKS[args.stack]()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop=loop,
        http=http,
        access_log=args.access_log,
        server_header=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
