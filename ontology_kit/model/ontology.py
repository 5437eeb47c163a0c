"""The ontology file format as pydantic models: the source of ``schemas/ontology.schema.json``.

Field names are the Ango payload's own (camelCase), so what a user reads in the Ango docs is what
they write. ``type`` is the one rename: the payload calls it ``tool`` for every kind of category.
Structural rules live here (types, required fields, no unknown fields); rules that need the whole
document (references, uniqueness) live in :mod:`ontology_kit.rules`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .migrations import Migration
from .types import ClassificationType, RelationType, ToolType

__all__ = ["Category", "Classification", "Ontology", "Option", "Relation", "RetiredId", "Tool", "TreeNode"]


class _Model(BaseModel):
    # strict: a YAML `true` or `1.10` never turns into the string "True" or "1.1" behind the user's back;
    # extra="forbid": a typo is an error, never silently dropped.
    model_config = ConfigDict(extra="forbid", strict=True, regex_engine="python-re")


def _option_shorthand(value: Any) -> Any:
    return {"value": value} if isinstance(value, str) else value


def _tree_shorthand(value: Any) -> Any:
    return {"title": value} if isinstance(value, str) else value


_Key = Annotated[
    str | None,
    Field(
        description="A stable name for this item. Its schemaId is derived from the keys (or titles) of "
        "the item and its ancestors; set `key` to the old title to keep the id across a rename.",
        examples=["vehicle"],
    ),
]
_SchemaId = Annotated[
    str | None,
    Field(
        description="The literal schemaId. Pin it to keep an id that existing annotations use "
        "(for example after an import). Without it, ontokit derives a stable one.",
        examples=["4b8ac18a570747f87b27025a9c3e1d2f"],
    ),
]


class Option(_Model):
    """One answer of a radio, checkbox or dropdown. A plain string is short for ``{value: ...}``."""

    value: str = Field(
        description="The answer's text, exactly as written (quote values like 'No' "
        "only if your editor insists; ontokit reads YAML 1.2, so No stays the string No).",
        examples=["Truck"],
    )
    key: _Key = None
    schemaId: _SchemaId = None


OptionItem = Annotated[Option, BeforeValidator(_option_shorthand, json_schema_input_type=str | Option)]


class TreeNode(_Model):
    """One node of a tree-dropdown. A plain string is short for a leaf ``{title: ...}``."""

    title: str = Field(description="The node's title, as annotators see it.", examples=["Rain"])
    key: _Key = None
    schemaId: Annotated[
        str | None,
        Field(description="The literal tree-option key in the payload.", examples=["a3d850b5e1c2"]),
    ] = None
    value: Annotated[
        str | None,
        Field(
            description="The payload `value`; defaults to the node's key, as the SDK does.", examples=["rain"]
        ),
    ] = None
    children: list[TreeNodeItem] = Field(
        default_factory=list,
        description="The nodes under this one: a plain string is a leaf.",
        examples=[["Light", "Heavy"]],
    )


TreeNodeItem = Annotated[TreeNode, BeforeValidator(_tree_shorthand, json_schema_input_type=str | TreeNode)]


class Category(_Model):
    """Fields every category (tool, classification, relation) has."""

    title: str = Field(description="The name annotators see.", examples=["Vehicle"])
    key: _Key = None
    schemaId: _SchemaId = None
    required: bool = Field(
        False, description="Annotators must answer or draw at least one of it.", examples=[True]
    )
    columnField: bool = Field(False, description="Show it as a table column.", examples=[True])
    color: str | None = Field(
        None,
        description='"#RRGGBB" (quote it: # starts a YAML comment); derived from the item\'s identity '
        "when omitted.",
        examples=["#1E88E5"],
    )
    shortcutKey: str = Field(
        "",
        description='The documented "0"-"9", "ctrl+0"-"ctrl+9" or "a"-"k"; any other key the Hub accepts '
        '(such as "p") is valid, with a warning; "" for none.',
        examples=["1", "ctrl+2", "c"],
    )
    options: list[OptionItem] = Field(
        default_factory=list,
        description="The answers: a radio's, checkbox's, dropdown's or rank's (which they need); a tool's "
        "or relation's (optional). A plain string is short for `{value: ...}`.",
        examples=[["Car", "Truck", {"value": "Bus", "key": "bus"}]],
    )
    optionSet: str | None = Field(
        None, description="Use the options of this entry of `optionSets`.", examples=["yes-no"]
    )
    classifications: list[Classification] = Field(
        default_factory=list,
        description="Nested classifications, to any depth.",
        examples=[[{"title": "Occluded", "type": "boolean"}]],
    )
    # Fields the Ango server and UI add that the SDK never sends; kept so that an imported ontology
    # compiles back to what the hub holds. Sent only when set.
    multiple: bool | None = Field(
        None, description="Server field (not sent by the SDK); sent only when set.", examples=[True]
    )
    ocrEnabled: bool | None = Field(
        None, description="Server field (not sent by the SDK); sent only when set.", examples=[True]
    )


class Tool(Category):
    """A drawing tool (bounding box, polygon, ...)."""

    type: ToolType = Field(description="The kind of tool: what annotators draw.", examples=["bounding-box"])


class Relation(Category):
    """A relation between annotations."""

    type: RelationType = Field(description="The kind of relation.", examples=["one-to-one"])


class Classification(Category):
    """A question: dropdown, radio, checkbox, text, tree, ... Nested ones may be conditional."""

    type: ClassificationType = Field(
        description="The kind of question: which answers it takes.", examples=["radio"]
    )
    treeOptions: list[TreeNodeItem] = Field(
        default_factory=list,
        description="tree-dropdown only (which needs them): the tree of answers. A plain string is a leaf.",
        examples=[[{"title": "Rain", "children": ["Light", "Heavy"]}, "Sun"]],
    )
    parentOptionId: str | None = Field(
        None,
        description="Show this nested classification only when this option of the enclosing category is "
        "chosen: the option's value, its key, or its raw schemaId.",
        examples=["Truck"],
    )
    richText: bool = Field(False, description="text only: use the rich text editor.", examples=[True])
    regex: str | None = Field(
        None,
        description="text only: answers must match this regular expression.",
        examples=["^[A-Z]{2}[0-9]{4}$"],
    )
    frameSpecific: bool = Field(False, description="Video: answered per frame, not once.", examples=[True])
    showDropdown: bool = Field(
        False, description="Only how the editor shows the options (a dropdown).", examples=[True]
    )
    exportName: str | None = Field(
        None, description="The key exports write the answers under.", examples=["vehicle_kind"]
    )
    displayName: str | None = Field(
        None, description="The name the editor shows.", examples=["Kind of vehicle"]
    )
    abbreviatedName: str | None = Field(None, description="The short name the editor shows.", examples=["VK"])
    attributeType: str | None = Field(
        None, description="The type answers are exported as.", examples=["categorical"]
    )
    defaultValue: bool | None = Field(
        None, description="The answer new annotations start with.", examples=[False]
    )


class RetiredId(_Model):
    """A schemaId the project's label set once used for an item that is gone: no item may take it
    again. A plain string is short for ``{schemaId: ...}``."""

    schemaId: Annotated[
        str,
        Field(
            min_length=1, description="The retired schemaId.", examples=["a4d3e949ba7872daef99b87939d064c0"]
        ),
    ]
    was: str | None = Field(
        None,
        description="What it named, for people and for the error that refuses its reuse: "
        '`Vehicle › Type › option "Truck"`.',
        examples=['Vehicle › Type › option "Truck"'],
    )


def _retired_shorthand(value: Any) -> Any:
    return {"schemaId": value} if isinstance(value, str) else value


RetiredItem = Annotated[
    RetiredId, BeforeValidator(_retired_shorthand, json_schema_input_type=str | RetiredId)
]


class Ontology(_Model):
    """One ontology file. It describes a label set only, so one file can serve several projects."""

    model_config = ConfigDict(
        title="ontokit ontology",
        json_schema_extra={"$comment": "Generated by `ontokit schema`; do not edit by hand."},
    )

    version: Annotated[
        int, Field(ge=1, le=1, description="Format version of this file; only 1 exists.", examples=[1])
    ] = 1
    description: str | None = Field(
        None, description="Free text for people; not sent to Ango.", examples=["Road scenes"]
    )
    optionSets: dict[str, list[OptionItem]] = Field(
        default_factory=dict,
        description="Named option lists that categories reuse with `optionSet: NAME`.",
        examples=[{"yes-no": ["Yes", "No"]}],
    )
    tools: list[Tool] = Field(
        default_factory=list,
        description="Drawing tools: what annotators draw.",
        examples=[[{"title": "Car", "type": "bounding-box"}]],
    )
    classifications: list[Classification] = Field(
        default_factory=list,
        description="Questions about the whole asset.",
        examples=[[{"title": "Night", "type": "boolean"}]],
    )
    relations: list[Relation] = Field(
        default_factory=list,
        description="Relations between annotations.",
        examples=[[{"title": "Tows", "type": "one-to-one"}]],
    )
    retired: list[RetiredItem] = Field(
        default_factory=list,
        description="Tombstones: schemaIds of items removed from the project's label set. Existing "
        "annotations may still hold them, so no item may reuse one (`reused-schema-id`). Not sent to Ango.",
        examples=[
            [{"schemaId": "a4d3e949ba7872daef99b87939d064c0", "was": 'Vehicle › Type › option "Truck"'}]
        ],
    )
    migrations: list[Migration] = Field(
        default_factory=list,
        description="Annotation migrations: carry the answers of items that leave the label set to "
        "items of this ontology (merge, move, rekey, convert), or delete them on purpose "
        "(docs/migrations.md). Not sent to Ango; apply rewrites the answers.",
        examples=[[{"merge": [["Vehicle", "Type", "Lorry"]], "into": ["Vehicle", "Type", "Truck"]}]],
    )
