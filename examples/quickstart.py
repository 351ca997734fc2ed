"""Create, read, update and delete one profile with the generated client.

Against a recorded server started with no options (``recorded-server serve``)::

    python examples/quickstart.py

or anywhere else: ``python examples/quickstart.py --url URL --api-key KEY``.
"""

from __future__ import annotations

import argparse
import sys

from adapty_profile_client import AuthenticatedClient
from adapty_profile_client.api.profile import (
    create_profile,
    delete_profile,
    get_profile,
    update_profile,
)
from adapty_profile_client.models import (
    CustomAttribute,
    ErrorResponse,
    ProfileCreateRequest,
    ProfileResponse,
    ProfileUpdateRequest,
)


def _attributes(parsed: ProfileResponse) -> dict[str, str | float]:
    return {item.key: item.value for item in parsed.data.custom_attributes}


def run(url: str, api_key: str, user_id: str) -> int:
    """The four calls, each printed with its status and Request-Id; 0 when all went as expected."""
    client = AuthenticatedClient(base_url=url, token=api_key, prefix="Api-Key")
    with client:
        created = create_profile.sync_detailed(
            client=client,
            adapty_customer_user_id=user_id,
            body=ProfileCreateRequest(
                first_name="Jane",
                custom_attributes=[CustomAttribute(key="plan", value="pro")],
            ),
        )
        print(f"create  {created.status_code} Request-Id {created.headers.get('Request-Id')}")
        if not isinstance(created.parsed, ProfileResponse):
            error = created.parsed
            detail = (
                error.to_dict()
                if isinstance(error, ErrorResponse)
                else created.content.decode(errors="replace")
            )
            print(f"  could not create {user_id!r}: {detail}", file=sys.stderr)
            return 1
        profile_id = created.parsed.data.profile_id
        print(f"  profile_id {profile_id}, attributes {_attributes(created.parsed)}")

        read = get_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        print(f"get     {read.status_code} Request-Id {read.headers.get('Request-Id')}")

        updated = update_profile.sync_detailed(
            client=client,
            adapty_profile_id=profile_id,
            # last_name=None sends "last_name": null (clears it); fields not given are not sent
            body=ProfileUpdateRequest(
                last_name=None,
                custom_attributes=[
                    CustomAttribute(key="plan", value=None),  # null deletes the attribute
                    CustomAttribute(key="visits", value=3),
                ],
            ),
        )
        print(f"update  {updated.status_code} Request-Id {updated.headers.get('Request-Id')}")
        if isinstance(updated.parsed, ProfileResponse):
            print(f"  attributes {_attributes(updated.parsed)}")

        deleted = delete_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        print(f"delete  {deleted.status_code} Request-Id {deleted.headers.get('Request-Id')}")
        gone = get_profile.sync_detailed(client=client, adapty_profile_id=profile_id)
        print(f"get     {gone.status_code} (after delete)")
    statuses = [s.status_code for s in (read, updated, deleted, gone)]
    return 0 if statuses == [200, 200, 204, 404] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the server's base URL")
    parser.add_argument(
        "--api-key",
        default="dev-recorded-server-key",
        help="the secret key (default: the recorded server's development key)",
    )
    parser.add_argument("--user-id", default="quickstart-user", help="adapty-customer-user-id")
    args = parser.parse_args(argv)
    return run(args.url, args.api_key, args.user_id)


if __name__ == "__main__":
    sys.exit(main())
