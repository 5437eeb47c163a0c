"""Declared annotation migrations (``migrations:`` in an ontology) as pydantic models.

A migration carries the answers of items that leave the label set over to items that stay
(docs/migrations.md). Its *sources* are items of the live label set, which the file no longer holds:
they are named by ``{schemaId: ...}`` or by their path of names in the live label set. Its *target*
is an item of this ontology, named by ``{schemaId: ...}`` or by its path of names (titles or keys,
an option by its value or key). Which of the five kinds a migration is, and the references, are
checked by ``rules/migrations.py``; the live label set is consulted only when planning.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = ["MIGRATION_KINDS", "ItemRef", "Migration", "MigrationRef", "SchemaIdRef"]

#: The kinds of migration, as the key that names a migration's source(s).
MIGRATION_KINDS = ("merge", "move", "rekey", "convert", "delete")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, regex_engine="python-re")


class SchemaIdRef(_Model):
    """An item named by its schemaId (the form a file writes: ``{schemaId: ...}``)."""

    schemaId: Annotated[
        str,
        Field(
            min_length=1, description="The item's schemaId.", examples=["1c5e0d2a9b8f4e3d7a6c5b4a39281706"]
        ),
    ]


_Name = Annotated[str, Field(min_length=1)]
_Path = Annotated[list[_Name], Field(min_length=1, max_length=64)]


class ItemRef(_Model):
    """An item, as a migration names it: ``{schemaId: ...}``, or its path of names, written as a
    list (``[Vehicle, Type, Truck]``; read into ``path``). One of the two."""

    schemaId: Annotated[str | None, Field(min_length=1, description="The item's schemaId.")] = None
    path: _Path | None = None


def _ref_shorthand(value: Any) -> Any:
    return {"path": value} if isinstance(value, list) else value


#: An item: ``{schemaId: ...}``, or its path of names from the top (``[Vehicle, Type, Truck]``).
MigrationRef = Annotated[
    ItemRef,
    BeforeValidator(_ref_shorthand, json_schema_input_type=SchemaIdRef | _Path),
    Field(
        description="An item: `{schemaId: ...}`, or its path of names from the top: titles of "
        "categories, then an option's value, e.g. `[Vehicle, Type, Truck]`.",
        examples=[["Vehicle", "Type", "Truck"], {"schemaId": "1c5e0d2a9b8f4e3d7a6c5b4a39281706"}],
    ),
]


class Migration(_Model):
    """One migration. Exactly one of ``merge``, ``move``, ``rekey``, ``convert`` and ``delete`` names
    its source(s); ``into``/``to`` name the target in this ontology."""

    merge: list[MigrationRef] | None = Field(
        None,
        description="Items of the live label set whose answers become answers of `into` (options into "
        "an option; tools, classifications or relations into one of the same type).",
        examples=[[["Vehicle", "Type", "Lorry"], ["Vehicle", "Type", "Van"]]],
    )
    into: MigrationRef | None = Field(
        None,
        description="merge only: the item that takes the answers.",
        examples=[["Vehicle", "Type", "Truck"]],
    )
    move: MigrationRef | None = Field(
        None,
        description="An item of the live label set that moves to `to` (another parent); its answers follow.",
        examples=[["Vehicle", "Occluded"]],
    )
    rekey: MigrationRef | None = Field(
        None,
        description="An item of the live label set whose schemaId changes to that of `to`.",
        examples=[["Vehicle"]],
    )
    convert: MigrationRef | None = Field(
        None,
        description="A classification of the live label set whose answers become answers of `to`, a "
        "classification of another type (radio, checkbox, dropdowns, tree), option by option.",
        examples=[["Weather"]],
    )
    values: dict[str, str] | None = Field(
        None,
        description="convert only: old option (its value or schemaId) -> new option of `to` (its value, "
        "key or schemaId). An old option left out maps to the new option with the same value.",
        examples=[{"Drizzle": "Rain / Light"}],
    )
    to: MigrationRef | None = Field(
        None,
        description="move, rekey and convert: the item in this ontology.",
        examples=[["Vehicle", "Visibility", "Occluded"]],
    )
    delete: MigrationRef | None = Field(
        None,
        description="An item of the live label set whose answers are deleted from every task.",
        examples=[["Vehicle", "Type", "Unknown"]],
    )
    acknowledge: bool | None = Field(
        None,
        description="delete only: must be true: the answers are deleted, not carried over.",
        examples=[True],
    )

    def kinds(self) -> list[str]:
        """The kinds this entry names (exactly one when well formed)."""
        return [k for k in MIGRATION_KINDS if getattr(self, k) is not None]

    def sources(self) -> list[Any]:
        """The source references, in order (a merge's several, the others' one)."""
        out: list[Any] = []
        for kind in self.kinds():
            value = getattr(self, kind)
            out += value if kind == "merge" else [value]
        return out
