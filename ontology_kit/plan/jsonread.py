"""Typed reads of a plan file's JSON document: each read checks one value's type and says where the
first problem is (a :class:`~ontology_kit.errors.PlanFileError`). ``planfile.py`` reads the plan's
model with these."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

from ..errors import PlanFileError
from ..state import is_secret_env

__all__ = ["JsonReader"]

T = TypeVar("T")
#: A hub's own id, as plan files hold it (it is put into request paths).
_HUB_ID = re.compile(r"[A-Za-z0-9_.~-]{1,200}")


class JsonReader:
    """Typed reads of a JSON document; the first problem is a PlanFileError with its place."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, problem: str) -> NoReturn:
        raise PlanFileError(
            f"{self.name}: plan file is damaged ({where}: {problem}); run `ontokit plan --out` again"
        )

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "expected an object")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(where, "expected a list")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            self.fail(where, "expected a string")
        return value

    def opt_text(self, value: Any, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, "expected true or false")
        return value

    def count(self, value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(where, "expected a whole number")
        return value

    def choice(self, value: Any, where: str, choices: tuple[T, ...]) -> T:
        if value not in choices:
            self.fail(where, f"expected one of {', '.join(map(repr, choices))}")
        return value  # type: ignore[no-any-return]

    def texts(self, value: Any, where: str) -> tuple[str, ...]:
        return tuple(self.text(v, f"{where}.{i}") for i, v in enumerate(self.array(value, where)))

    def name_and_id(self, value: Any, where: str) -> tuple[str, str]:
        pair = self.texts(value, where)
        if len(pair) != 2:
            self.fail(where, "expected [name, id]")
        return pair[0], pair[1]

    def items(self, value: Any, where: str, read: Callable[[Any, str], T]) -> tuple[T, ...]:
        return tuple(read(v, f"{where}.{i}") for i, v in enumerate(self.array(value, where)))

    def hub_id(self, value: Any, where: str) -> str:
        """An id the hub gave (it goes into a request's path): letters, digits, ``_ - . ~``."""
        text = self.text(value, where)
        if not _HUB_ID.fullmatch(text) or text in (".", ".."):
            self.fail(where, "expected a hub id (letters, digits, `_`, `-`, `.`, `~`)")
        return text

    def opt_hub_id(self, value: Any, where: str) -> str | None:
        return None if value is None else self.hub_id(value, where)

    def secret_env(self, value: Any, where: str) -> str | None:
        """A webhook secret's variable: a plan file must not pick which secret apply sends to the hub."""
        var = self.opt_text(value, where)
        if var is not None and not is_secret_env(var):
            self.fail(where, "a webhook secret's variable must be named like WEBHOOK_SECRET")
        return var
