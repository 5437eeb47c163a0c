"""The diff of a whole project: fields, category schema, batches and webhooks. Pure.

``desired`` is the state a definition asks for (``desired_state``); ``live`` the project document a
hub returns (None when the project does not exist yet); ``live_webhooks`` the hub's webhooks of the
project (None when the hub cannot list them).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..project.load import ProjectSpec
from .diff import diff_category_schema
from .model import SENSITIVE, Action, AttributeChange, Change, Impact, Unmanaged

__all__ = ["desired_state", "diff_project", "fingerprint", "secret_matches"]


def desired_state(spec: ProjectSpec) -> dict[str, Any]:
    """What apply sends for ``spec``, as plain data (stored in saved plans; holds no secret values)."""
    return {
        "name": spec.name,
        "description": spec.description,
        "type": spec.type,
        "categorySchema": spec.category_schema,
        "batches": list(spec.batches),
        "webhooks": [
            {"url": h.url, "types": list(h.types), "secretEnv": h.secret_env} for h in spec.webhooks
        ],
    }


def fingerprint(live: dict[str, Any] | None, live_webhooks: list[dict[str, Any]] | None, name: str) -> str:
    """A digest of the live state a plan was computed against (what a stale-plan check compares)."""
    if live is None:
        state: Any = {"absent": name}
    else:
        state = {
            "id": live.get("_id"),
            "name": live.get("name"),
            "description": live.get("description"),
            "categorySchema": live.get("categorySchema"),
            "batches": [{"_id": b.get("_id"), "name": b.get("name")} for b in live.get("batches") or []],
            "webhooks": None
            if live_webhooks is None
            else [
                {"_id": h.get("_id"), "url": h.get("url"), "types": h.get("types"), "secret": h.get("secret")}
                for h in live_webhooks
            ],
        }
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def secret_matches(live_secret: Any, value: str | None) -> bool | None:
    """Whether a webhook's live secret equals ``value``: True/False, or None when the hub does not say."""
    from ..hub.store import secret_digest

    if not isinstance(live_secret, dict) or "set" not in live_secret:
        return None
    if not live_secret.get("set"):
        return value is None
    if value is None:
        return False
    digest = live_secret.get("digest")
    if not isinstance(digest, str) or digest.count(":") != 2:
        return None
    _, salt, _ = digest.split(":")
    return secret_digest(salt, value) == digest


def diff_project(
    desired: dict[str, Any],
    live: dict[str, Any] | None,
    live_webhooks: list[dict[str, Any]] | None,
    secrets: Mapping[str, str],
) -> tuple[list[Change], list[Unmanaged], list[str]]:
    """(changes, unmanaged live items, warnings) that turn ``live`` into ``desired``.

    ``secrets`` maps environment variable names to their values (used only to compare digests).
    """
    changes: list[Change] = []
    warnings: list[str] = []
    name = desired["name"]
    if live is None:
        changes.append(
            Change(
                Action.CREATE,
                "project",
                (f'"{name}"',),
                Impact.SAFE,
                after={"name": name, "description": desired.get("description", "")},
            )
        )
    else:
        attrs = [
            AttributeChange(k, live.get(k), desired.get(k, ""))
            for k in ("name", "description")
            if (live.get(k) or "") != (desired.get(k) or "")
        ]
        if attrs:
            changes.append(
                Change(
                    Action.UPDATE,
                    "project",
                    (f'"{name}"',),
                    Impact.SAFE,
                    attributes=tuple(attrs),
                    schema_id=live.get("_id"),
                )
            )
    live_schema = (live or {}).get("categorySchema") or {}
    schema_changes = diff_category_schema(desired["categorySchema"], live_schema)
    if live is None:  # a new project has no annotations that anything could affect
        schema_changes = [dataclasses.replace(c, impact=Impact.SAFE, reasons=()) for c in schema_changes]
    changes.extend(schema_changes)
    unmanaged: list[Unmanaged] = []
    live_batches = [b.get("name") for b in (live or {}).get("batches") or [] if isinstance(b, dict)]
    for batch in desired.get("batches", []):
        if batch not in live_batches:
            changes.append(
                Change(Action.CREATE, "batch", (f'"{batch}"',), Impact.SAFE, after={"name": batch})
            )
    unmanaged += [Unmanaged("batch", str(b)) for b in live_batches if b not in desired.get("batches", [])]
    hooks = desired.get("webhooks", [])
    if live is not None and live_webhooks is None:
        if hooks:
            warnings.append(
                "this hub cannot list webhooks, so ontokit cannot tell which exist: webhooks are not "
                "managed on it (use the hub's UI)"
            )
        return changes, unmanaged, warnings
    by_url = {h.get("url"): h for h in live_webhooks or []}
    for hook in hooks:
        value = secrets.get(hook["secretEnv"]) if hook.get("secretEnv") else None
        current = by_url.get(hook["url"])
        address = (hook["url"],)
        if current is None:
            after = {"url": hook["url"], "types": hook["types"], "secret": SENSITIVE if value else None}
            changes.append(Change(Action.CREATE, "webhook", address, Impact.SAFE, after=after))
            continue
        attrs = []
        if sorted(current.get("types") or []) != sorted(hook["types"]):
            attrs.append(AttributeChange("types", current.get("types"), hook["types"]))
        same = secret_matches(current.get("secret"), value)
        if same is False:
            before = SENSITIVE if (current.get("secret") or {}).get("set") else None
            attrs.append(AttributeChange("secret", before, SENSITIVE if value else None, sensitive=True))
        elif same is None and value is not None:
            warnings.append(f"webhook {hook['url']}: the hub does not tell whether its secret matches")
        if attrs:
            changes.append(
                Change(
                    Action.UPDATE,
                    "webhook",
                    address,
                    Impact.SAFE,
                    attributes=tuple(attrs),
                    schema_id=current.get("_id"),
                )
            )
    wanted = {h["url"] for h in hooks}
    unmanaged += [
        Unmanaged("webhook", str(h.get("url"))) for h in live_webhooks or [] if h.get("url") not in wanted
    ]
    return changes, unmanaged, warnings
