"""The bytes of a plan file: bounded, strict JSON, and an optional keyed signature. Pure.

A plan file is input like any other: it may be damaged by accident or written by someone else.
:func:`parse_plan_json` reads it within fixed bounds (size, nesting, no duplicate keys, no
``NaN``, no lone surrogates), so that anything malformed is one
:class:`~ontology_kit.errors.PlanFileError`, never a recursion error or an encoding error later on.

Signing (docs/plan-format.md, "Plan files"): with ``ONTOKIT_PLAN_KEY`` set, ``plan --out`` adds
``"signature": "hmac-sha256:HEX"``, an HMAC-SHA256 keyed by that value over the plan's canonical
content (every field but the signature, keys sorted, no spaces, UTF-8). Without a key, the file's
digests guard only against accidents: anyone who can edit the file can recompute them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Final

from ..errors import PlanFileError

__all__ = [
    "MAX_PLAN_BYTES",
    "MAX_PLAN_DEPTH",
    "SIGNATURE_PREFIX",
    "parse_plan_json",
    "plan_signature",
    "verify_signature",
]

#: The largest plan file read (the same limit as every YAML file: loader.reader.MAX_FILE_BYTES).
MAX_PLAN_BYTES: Final = 16 * 1024 * 1024
#: The deepest nesting of arrays and objects read: room for a category schema as deep as the local
#: Hub takes in a request (512 levels) a few levels down in the file, and well below the ~1,000
#: levels where Python's parser (which recurses) fails.
MAX_PLAN_DEPTH: Final = 600
SIGNATURE_PREFIX: Final = "hmac-sha256:"

# A JSON string (with its escapes) or one bracket: strings are skipped whole, so a bracket inside
# a string is not counted. One pass, linear in the text.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_plan_json(text: str, name: str) -> Any:
    """The JSON document of a plan file, read within bounds; a PlanFileError names the problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PLAN_BYTES:
        raise PlanFileError(f"{name}: plan file is {size:,} bytes; the limit is {MAX_PLAN_BYTES:,}")
    _check_depth(text, name)

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:  # JSON parsers disagree on which one wins: no plan file has two
                raise PlanFileError(f"{name}: not a plan file (duplicate key {key!r:.80})")
            out[key] = value
        return out

    try:
        doc = json.loads(text, object_pairs_hook=unique_keys, parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, an integer of too many digits
        raise PlanFileError(f"{name}: not a plan file (invalid JSON: {exc})") from None
    _check_text(doc, name)
    return doc


def plan_signature(doc: dict[str, Any], key: str) -> str:
    """``hmac-sha256:HEX`` over the canonical content of ``doc`` (its ``signature`` left out)."""
    content = {k: v for k, v in doc.items() if k != "signature"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    mac = hmac.new(key.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + mac


def verify_signature(doc: dict[str, Any], key: str | None, name: str) -> bool:
    """Whether ``doc`` carries a signature that was checked (True) or none was checked (False).

    With ``key``: an unsigned or altered plan is refused (PlanFileError). Without: nothing is checked.
    """
    signature = doc.get("signature")
    if key is None:
        return False
    if signature is None:
        raise PlanFileError(
            f"{name}: the plan file is unsigned and ONTOKIT_PLAN_KEY is set: refusing it; "
            "run `ontokit plan --out` again with the key set"
        )
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature.encode("utf-8"), plan_signature(doc, key).encode("utf-8")
    ):
        raise PlanFileError(
            f"{name}: the plan file's signature does not match (the file was altered, or signed "
            "with another ONTOKIT_PLAN_KEY): refusing it"
        )
    return True


def _no_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a JSON number")


def _check_depth(text: str, name: str) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()[0]
        if token in "[{":
            depth += 1
            if depth > MAX_PLAN_DEPTH:
                raise PlanFileError(f"{name}: not a plan file (nested deeper than {MAX_PLAN_DEPTH} levels)")
        elif token in "]}":
            depth -= 1


def _check_text(doc: Any, name: str) -> None:
    """No lone surrogate (an escape such as ``\\ud800``) in any key or string: no hub or file takes it."""
    stack = [doc]
    while stack:  # iterative: the depth is bounded already, but a walk need not recurse at all
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and _SURROGATE.search(node):
            raise PlanFileError(f"{name}: not a plan file (a string holds a lone surrogate)")
