"""What the server stores for a profile, and the two JSON shapes it is shown in.

``response_data`` is the contract's ``Profile`` (what Adapty answers); ``stored_profile`` is the
inspection API's ``StoredProfile`` (everything a request set, with ``null`` and absent kept apart).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from recorded_server.serving.jsontext import dumps, dumps_bytes

AttributeValue = str | float
JSONObject = dict[str, Any]

_SEGMENT_HASH_KEY = "segment_hash_v1"
"""Where a document keeps its segment hash; a new name if the hash's material ever changes (a
document's stored hash is then ignored and computed afresh)."""


@dataclass(slots=True)
class ProfileRecord:
    """One stored profile."""

    profile_id: str
    customer_user_id: str | None
    fields: JSONObject = field(default_factory=lambda: {"analytics_disabled": False})
    """Only the profile fields ever set (a ``None`` value is a stored ``null``)."""
    custom_attributes: dict[str, AttributeValue] = field(default_factory=dict)
    """Key -> value, in the order keys were first set."""
    installation_metas: dict[str, JSONObject] = field(default_factory=dict)
    """device_id -> only the installation meta fields ever set for that device."""
    total_revenue_usd: float = 0.0
    access_levels: list[Any] = field(default_factory=list)
    subscriptions: list[Any] = field(default_factory=list)
    non_subscriptions: list[Any] = field(default_factory=list)
    ledger: list[Any] = field(default_factory=list)
    """The transactions set on the profile (``setTransaction``), in the order first recorded."""
    _answer: tuple[str, bytes, bytes] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """:func:`answer_body`'s text for this record: the app id it was made for, and the text
    before and after the ``timestamp`` (a read record is shown many times)."""
    _segment_hash: str | None = field(default=None, init=False, repr=False, compare=False)
    """:meth:`segment_hash` as of the last :meth:`document` or :meth:`from_document` (a record
    is not changed after it is written or read; ``dataclasses.replace`` does not copy it)."""

    def document(self) -> str:
        """Everything but the two identity columns, as the JSON stored in SQLite, with the
        segment hash computed now (reads take it from there instead of hashing again)."""
        self._segment_hash = self._compute_segment_hash()
        return dumps(
            {
                "fields": self.fields,
                "custom_attributes": [[k, v] for k, v in self.custom_attributes.items()],
                "installation_metas": self.installation_metas,
                "total_revenue_usd": self.total_revenue_usd,
                "access_levels": self.access_levels,
                "subscriptions": self.subscriptions,
                "non_subscriptions": self.non_subscriptions,
                "ledger": self.ledger,
                _SEGMENT_HASH_KEY: self._segment_hash,
            }
        )

    @classmethod
    def from_document(
        cls, profile_id: str, customer_user_id: str | None, document: str
    ) -> ProfileRecord:
        data = json.loads(document)
        record = cls(
            profile_id=profile_id,
            customer_user_id=customer_user_id,
            fields=data["fields"],
            custom_attributes={k: v for k, v in data["custom_attributes"]},
            installation_metas=data["installation_metas"],
            total_revenue_usd=float(data["total_revenue_usd"]),
            access_levels=data["access_levels"],
            subscriptions=data["subscriptions"],
            non_subscriptions=data["non_subscriptions"],
            ledger=data.get("ledger", []),  # absent from documents written before it existed
        )
        # Absent from documents written before it was stored: computed when first asked for.
        stored_hash = data.get(_SEGMENT_HASH_KEY)
        record._segment_hash = stored_hash if isinstance(stored_hash, str) else None
        return record

    def segment_hash(self) -> str:
        """A stable digest of what segments could look at: fields and custom attributes."""
        if self._segment_hash is None:
            self._segment_hash = self._compute_segment_hash()
        return self._segment_hash

    def _compute_segment_hash(self) -> str:
        material = dumps_bytes([self.fields, list(self.custom_attributes.items())], sort_keys=True)
        return hashlib.blake2b(material, digest_size=8).hexdigest()

    def attribute_items(self) -> list[JSONObject]:
        return [{"key": k, "value": v} for k, v in self.custom_attributes.items()]


def response_data(record: ProfileRecord, app_id: str, now_ms: int | None = None) -> JSONObject:
    """The contract's ``Profile`` object (the value of ``data`` in a 200); ``timestamp`` is
    ``now_ms`` (the server's clock) or the real time."""
    return {
        "app_id": app_id,
        "profile_id": record.profile_id,
        "customer_user_id": record.customer_user_id,
        "total_revenue_usd": record.total_revenue_usd,
        "segment_hash": record.segment_hash(),
        "timestamp": time.time_ns() // 1_000_000 if now_ms is None else now_ms,
        "custom_attributes": record.attribute_items(),
        "access_levels": record.access_levels,
        "subscriptions": record.subscriptions,
        "non_subscriptions": record.non_subscriptions,
    }


_MARK = -7_357_735_773_577_357
"""A ``timestamp`` no clock gives: where :func:`answer_body` cuts a record's text in two."""
_MARKED = b'"timestamp":%d' % _MARK
_STAMP = len(b'"timestamp":')


def answer_body(record: ProfileRecord, app_id: str, now_ms: int) -> bytes:
    """The body of a profile's 200, ``{"data": response_data(...)}`` as JSON text; the text
    around the ``timestamp`` is made once per record and kept on it."""
    kept = record._answer
    if kept is None or kept[0] != app_id:
        text = dumps_bytes({"data": response_data(record, app_id, _MARK)})
        at = text.find(_MARKED)
        if at < 0 or text.find(_MARKED, at + 1) >= 0:  # pragma: no cover - the mark is a key's
            return dumps_bytes({"data": response_data(record, app_id, now_ms)})
        kept = record._answer = (app_id, text[: at + _STAMP], text[at + len(_MARKED) :])
    return b"%s%d%s" % (kept[1], now_ms, kept[2])


def stored_profile(record: ProfileRecord, app_id: str) -> JSONObject:
    """The inspection API's ``StoredProfile``."""
    return {
        "profile_id": record.profile_id,
        "customer_user_id": record.customer_user_id,
        "app_id": app_id,
        "fields": record.fields,
        "custom_attributes": record.attribute_items(),
        "installation_metas": record.installation_metas,
        "total_revenue_usd": record.total_revenue_usd,
        "access_levels": record.access_levels,
        "subscriptions": record.subscriptions,
        "non_subscriptions": record.non_subscriptions,
    }
