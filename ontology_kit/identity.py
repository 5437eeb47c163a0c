"""Deterministic schemaIds and colors.

An item's *identity* is the list of its ancestors' and its own stable names, where a name is the
item's ``key`` when set, else its title (or, for an option, its value). The schemaId is a hash of that
identity, shaped like the SDK's ids (32 lowercase hex characters), so the same file always compiles
to the same payload. Consequences, documented in docs/format.md:

- renaming an item without a ``key`` changes its id and the ids of everything under it;
- setting ``key`` to the old title (or pinning ``schemaId``) keeps them.
"""

from __future__ import annotations

import colorsys
import hashlib
import json

__all__ = ["derive_color", "derive_id"]

_ID_SALT = b"ontokit/schemaId/v1\x00"
_COLOR_SALT = b"ontokit/color/v1\x00"


def _digest(salt: bytes, identity: tuple[str, ...]) -> bytes:
    # JSON encoding of the list is unambiguous whatever characters the names hold.
    encoded = json.dumps(identity, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(salt + encoded.encode("utf-8")).digest()


def derive_id(identity: tuple[str, ...]) -> str:
    """The schemaId of an item with this identity: 32 lowercase hex characters."""
    return _digest(_ID_SALT, identity).hex()[:32]


def derive_color(identity: tuple[str, ...]) -> str:
    """A readable color (``#RRGGBB``, upper case, as the SDK writes) for an item with this identity."""
    d = _digest(_COLOR_SALT, identity)
    hue = int.from_bytes(d[:2], "big") / 65536
    lightness = 0.40 + (d[2] / 255) * 0.15  # 0.40-0.55: visible on light and dark canvases
    saturation = 0.60 + (d[3] / 255) * 0.30
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
