"""The pull-request comment as GitHub shows it (issue 13, item 2): the Markdown is rendered as
GitHub-flavoured Markdown by cmark-gfm (GitHub's own parser, through ``cmarkgfm``) and the HTML is
read back: tables, no raw HTML or mention from user text, one Mermaid block per diagram, balanced
``<details>``, hints outside them. The Mermaid diagram shows conditional questions under the option
that shows them. ``scripts/render_comment.py`` draws the same hostile comment in headless Chromium.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from click.testing import CliRunner
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology_kit._text import one_line
from ontology_kit.category_schema import CategorySchema, walk
from ontology_kit.cli import cli
from ontology_kit.plan.diff import diff_category_schema
from ontology_kit.plan.model import Action, Affected, Change, Impact, Plan, ProjectPlan, Subject
from ontology_kit.render.escape import (
    MENTION_BREAK,
    fence,
    html_text,
    md_code,
    md_prose,
    md_text,
    mermaid_label,
)
from ontology_kit.render.markdown import render_markdown
from ontology_kit.render.mermaid import render_diff_comment, render_mermaid

#: Titles that try to break out of a Mermaid label or a Markdown context (issue 13's list).
HOSTILE = (
    '%%{init: {"theme":"dark"}}%%',
    "x<y",
    "</details>",
    "```",
    "a|b",
    "[link](javascript:alert(1))",
    "@everyone",
    "<img src=x onerror=alert(1)>",
    '"quoted"',
    "line one\nline two",
    "end",
    "graph TD",
    "click A call x()",
    "<script>alert(1)</script>",
    "#quot; &lt;b&gt; \\ $x$ *b* _i_ ~~s~~",
    "T" * 3000,
)
#: Tags the comment's own Markdown makes; any other element came from user text.
ALLOWED_TAGS = frozenset(
    [
        "p",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "em",
        "code",
        "pre",
        "details",
        "summary",
        "blockquote",
        "ul",
        "li",
    ]
)
MENTION = re.compile(r"(?:^|\W)@[0-9A-Za-z]")
_LABEL = r"(?:[A-Za-z0-9 .,\-_/'?!]|#\d+;|[^\x00-\x7f])*"
DIAGRAM_LINE = re.compile(
    rf'  n\d+\["{_LABEL}<br/><small>{_LABEL}</small>"\]|  n\d+\(\["{_LABEL}"\]\)'
    r"|  n\d+ (?:---|-->|-\. when \.->) n\d+"
    r"|  classDef (?:create|delete|update|move) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}"
    r"|  class n\d+(?:,n\d+)* (?:create|delete|update|move)"
    r'|  more\["… \d+ more items not drawn \(limit \d+ items\)"\]'
)


# -- GitHub's rendering, read back -----------------------------------------------------------------
def gfm(markdown: str) -> str:
    """The HTML GitHub makes of ``markdown`` before its sanitizer: cmark-gfm with GitHub's extensions,
    raw HTML let through, and without the tag filter, so that raw HTML from user text shows."""
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown,
        options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG,
        extensions=["table", "autolink", "strikethrough", "tasklist"],
    )


class Page(HTMLParser):
    """What a reader of the rendered comment sees: elements, text outside ``<details>``, tables,
    code blocks, and whether ``<details>``/``<summary>`` nest as they should."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.problems: list[str] = []
        self.outside: list[str] = []  # text outside every <details>
        self.prose: list[str] = []  # text outside code
        self.headers: list[list[str]] = []
        self.rows: list[list[str]] = []
        self.blocks: list[tuple[str, str]] = []  # (language, text) of each <pre>
        self.summaries: list[str] = []
        self.codes: list[str] = []  # the text of each inline code span
        self._code: list[str] | None = None
        self._cell: list[str] | None = None
        self._pre: tuple[str, list[str]] | None = None
        self._summary: list[str] | None = None
        self.feed(markup)
        self.close()
        if self.open:
            self.problems.append(f"unclosed: {self.open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "summary" and (not self.open or self.open[-1] != "details" or self._summary is not None):
            self.problems.append("a <summary> outside a <details>")
        self.open.append(tag)
        if tag == "table":
            self.headers.append([])
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "pre":
            self._pre = (dict(attrs).get("lang") or "", [])
        elif tag == "summary":
            self._summary = []
        elif tag == "code" and self._pre is None:
            self._code = []

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).replace(MENTION_BREAK, "").strip()
            (self.headers[-1] if tag == "th" else self.rows[-1]).append(text)
            self._cell = None
        elif tag == "pre" and self._pre is not None:
            self.blocks.append((self._pre[0], "".join(self._pre[1])))
            self._pre = None
        elif tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None
        elif tag == "summary" and self._summary is not None:
            self.summaries.append("".join(self._summary).replace(MENTION_BREAK, ""))
            self._summary = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._pre[1] if self._pre else None, self._summary, self._code):
            if part is not None:
                part.append(data)
        if "details" not in self.open or "summary" in self.open:
            self.outside.append(data.replace(MENTION_BREAK, ""))
        if "code" not in self.open and "pre" not in self.open:
            self.prose.append(data)


def seen(text: str) -> str:
    """How a reader sees ``text``: one line, without the invisible mention break."""
    return one_line(text).replace(MENTION_BREAK, "")


def decode_label(label: str) -> str:
    """A Mermaid label as Mermaid shows it (its ``#<code point>;`` entities read)."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label)


def shown_label(text: str) -> str:
    """How a label of ``text`` reads, cut at 80 characters, without the invisible word joiners."""
    shown = one_line(text) if len(one_line(text)) <= 80 else one_line(text)[:79] + "…"
    return shown.replace(MENTION_BREAK, "")


def diagram_labels(diagram: str) -> list[str]:
    return [decode_label(m) for m in re.findall(r'\["([^"]*?)(?:<br/>|")', diagram)]


# -- the hostile comment ---------------------------------------------------------------------------
def _tool(title: str, sid: str, options: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "tool": "polygon",
        "title": title,
        "schemaId": sid,
        "options": options or [],
        "classifications": [],
    }


def hostile_plan() -> tuple[Plan, dict[str, tuple[CategorySchema, CategorySchema]]]:
    """The ``diff --diagram`` comment of a change in one ontology file per hostile title, and the
    hints the plan gives. In each file the title names the file, a tool removed (destructive), a tool
    created (a probable rename: a hint) and its option; a Weather radio gets a question shown for
    Rain."""
    projects, schemas = [], {}
    for i, title in enumerate(HOSTILE):
        old = {
            "tools": [_tool(title, f"old{i}", [{"value": title, "schemaId": f"oldopt{i}"}])],
            "classifications": [{"tool": "radio", "title": "Weather", "schemaId": f"w{i}", "options": []}],
        }
        weather = {
            "tool": "radio",
            "title": "Weather",
            "schemaId": f"w{i}",
            "options": [{"value": v, "schemaId": f"{v}{i}"} for v in ("Sun", "Rain", "Snow")],
            "classifications": [
                {"tool": "text", "title": title, "schemaId": f"q{i}", "parentOptionId": f"Rain{i}"}
            ],
        }
        new = {
            "tools": [_tool(title + ".", f"new{i}", [{"value": title, "schemaId": f"opt{i}"}])],
            "classifications": [weather],
        }
        old_schema, new_schema = CategorySchema(old), CategorySchema(new)
        changes = tuple(diff_category_schema(new_schema, old_schema))
        name = f"{title}.yaml"
        projects.append(
            ProjectPlan(name, name, None, changes, "", label=f"Ontology file {name}", subject="ontology file")
        )
        schemas[name] = (old_schema, new_schema)
    plan = Plan("main → working tree", tuple(projects), kind="diff")
    return plan, schemas


def hostile_comment() -> tuple[str, list[str]]:
    """The comment of :func:`hostile_plan`, whatever its length, and the hints of its plan."""
    plan, schemas = hostile_plan()
    hints = [c.hint for c in plan.changes if c.hint]
    return render_diff_comment(plan, schemas, "main", limit=10**7), hints


@pytest.fixture(scope="module")
def hostile() -> tuple[str, Page, list[str]]:
    markdown, hints = hostile_comment()
    return markdown, Page(gfm(markdown)), hints


def test_hostile_titles_make_no_markup(hostile: tuple[str, Page, list[str]]) -> None:
    _, page, _ = hostile
    assert not page.problems
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS  # no <img>, <script>, <a>
    assert page.tags.count("details") == len(page.summaries) == len(HOSTILE)
    assert not [t for t in page.prose if MENTION.search(t)]  # no title notifies anyone


def test_hostile_titles_in_the_table(hostile: tuple[str, Page, list[str]]) -> None:
    _, page, _ = hostile
    [header] = page.headers
    assert header[:2] == ["ontology file", "create"]
    names = [row[0] for row in page.rows[1:]]  # the first row is the header's
    assert names == [*(seen(f"{t}.yaml") for t in HOSTILE), "total"]


def test_hostile_titles_in_the_summaries_and_the_caution(hostile: tuple[str, Page, list[str]]) -> None:
    _, page, _ = hostile
    for summary, title in zip(page.summaries, HOSTILE, strict=True):
        assert summary.startswith(seen(f"Ontology file {title}.yaml: ")), summary
    outside = "".join(page.outside)
    for title in HOSTILE:
        assert f"delete tool {seen(title)}" in outside  # the caution block, above the details


def test_hints_are_outside_the_details(hostile: tuple[str, Page, list[str]]) -> None:
    _, page, hints = hostile
    assert hints and all("probably a rename" in h for h in hints)
    outside = "".join(page.outside)
    for hint in hints:
        # paired backticks are code spans (md_prose): the reader sees the text without them
        want = seen(hint).replace("`", "") if hint.count("`") % 2 == 0 else seen(hint)
        assert f"hint: {want}" in outside


def test_one_mermaid_block_per_diagram(hostile: tuple[str, Page, list[str]]) -> None:
    markdown, page, _ = hostile
    diagrams = [text for lang, text in page.blocks if lang == "mermaid"]
    assert len(diagrams) == markdown.count("\n#### ") == 2 * len(HOSTILE)  # after and before
    assert markdown.count("```mermaid\n") == len(diagrams)
    for i, diagram in enumerate(diagrams):
        lines = diagram.rstrip("\n").split("\n")
        assert lines[0] == "flowchart LR"
        assert [line for line in lines[1:] if not DIAGRAM_LINE.fullmatch(line)] == []
        labels = [label.replace(MENTION_BREAK, "") for label in diagram_labels(diagram)]
        assert shown_label(HOSTILE[i // 2]) in labels


# -- the diagram: conditional questions ----------------------------------------------------------------
#: Issue 13's finding: a new radio whose question is shown only for Rain.
WEATHER = """\
classifications:
  - title: Weather
    type: radio
    options: [Sun, Rain, Snow]
    classifications:
      - title: How much rain
        type: text
        parentOptionId: Rain
"""
#: Every kind of category that shows a question for one of its options, nested three deep.
FAMILIES = """\
tools:
  - title: Car
    type: bounding-box
    options: [Sedan, Van]
    classifications:
      - title: Van doors
        type: text
        parentOptionId: Van
      - title: Damage
        type: checkbox
        options: [Dent, Scratch]
        classifications:
          - title: Dent size
            type: single-dropdown
            parentOptionId: Dent
            options: [Small, Large]
            classifications:
              - title: Large note
                type: text
                parentOptionId: Large
classifications:
  - title: Region
    type: tree-dropdown
    treeOptions:
      - title: Europe
        children: [France, Spain]
    classifications:
      - title: Department
        type: text
        parentOptionId: Europe / France
  - title: Tags
    type: multi-dropdown
    options: [A, B]
    classifications:
      - title: B detail
        type: boolean
        parentOptionId: B
"""


def graph(diagram: str) -> set[tuple[str, str, str]]:
    """A diagram's edges as (from label, arrow, to label)."""
    labels = {
        m.group(1): decode_label(m.group(2))
        for m in re.finditer(r'^  (n\d+)\(?\["([^"<]*)', diagram, re.MULTILINE)
    }
    return {
        (labels[a], arrow, labels[b])
        for a, arrow, b in re.findall(r"^  (n\d+) (---|-->|-\. when \.->) (n\d+)$", diagram, re.MULTILINE)
    }


def expected_graph(schema: CategorySchema) -> set[tuple[str, str, str]]:
    """What every diagram of ``schema`` must draw: each option under its category or tree option, each
    question under its category, and a conditional one under the option that shows it."""
    nodes = list(walk(schema))
    options = {(n.id, _category(n)): n.title for n in nodes if not n.kind.is_category}
    out = set()
    for n in nodes:
        if n.parent is None:
            continue
        ref = n.raw.get("parentOptionId")
        if not n.kind.is_category:
            out.add((n.parent.title, "---", n.title))
        elif ref:
            out.add((options[(ref, n.parent.key)], "-. when .->", n.title))
        else:
            out.add((n.parent.title, "-->", n.title))
    return out


def _category(n: Any) -> str:
    while not n.parent.kind.is_category:
        n = n.parent
    return str(n.parent.key)


def _diff(tmp_path: Path, old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(old, encoding="utf-8")
    Path("new.yaml").write_text(new, encoding="utf-8")
    args = ["diff", "old.yaml", "new.yaml", "--format", "markdown"]
    result = CliRunner().invoke(cli, [*args, "--diagram"])
    assert result.exit_code == 0, result.output
    return result.output


def _compiled(text: str, tmp_path: Path) -> CategorySchema:
    from ontology_kit.validate import check_text

    result = check_text(text, "o.yaml")
    assert result.payload is not None, result.diagnostics
    return CategorySchema(result.payload["categorySchema"])


def test_a_new_radio_shows_its_question_under_rain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    md = _diff(tmp_path, "classifications: []\n", WEATHER, monkeypatch)
    [diagram] = re.findall(r"```mermaid\n(.*?)```", md, re.DOTALL)
    assert graph(diagram) == {
        ("Weather", "---", "Sun"),
        ("Weather", "---", "Rain"),
        ("Weather", "---", "Snow"),
        ("Rain", "-. when .->", "How much rain"),
    }
    [members] = re.findall(r"^  class (\S+) create$", diagram, re.MULTILINE)
    assert sorted(members.split(",")) == ["n0", "n1", "n2", "n3", "n4"]  # all created with Weather


@pytest.mark.parametrize("text", [WEATHER, FAMILIES], ids=["weather", "families"])
def test_every_conditional_question_hangs_under_its_option(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = _compiled(text, tmp_path)
    assert graph(render_mermaid(schema)) == expected_graph(schema)  # `ontokit show --format mermaid`
    md = _diff(
        tmp_path, "classifications: []\n", text, monkeypatch
    )  # all of it new: drawn with what it comes with
    drawn = set().union(*(graph(d) for d in re.findall(r"```mermaid\n(.*?)```", md, re.DOTALL)))
    assert drawn == expected_graph(schema)


def test_a_new_conditional_question_is_drawn_under_its_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = FAMILIES.replace(
        "                parentOptionId: Large\n",
        "                parentOptionId: Large\n              - title: Small note\n"
        "                type: text\n                parentOptionId: Small\n",
    )
    md = _diff(tmp_path, FAMILIES, new, monkeypatch)
    [diagram] = re.findall(r"```mermaid\n(.*?)```", md, re.DOTALL)
    assert graph(diagram) == {  # the new question and what it hangs under, up to the tool
        ("Car", "-->", "Damage"),
        ("Damage", "---", "Dent"),
        ("Dent", "-. when .->", "Dent size"),
        ("Dent size", "---", "Small"),
        ("Small", "-. when .->", "Small note"),
    }


def test_a_diagram_is_cut_level_by_level(tmp_path: Path) -> None:
    schema = _compiled(FAMILIES, tmp_path)
    diagram = render_mermaid(schema, limit=5)
    assert len(re.findall(r"^  n\d+\(?\[", diagram, re.MULTILINE)) == 5
    assert "more items not drawn (limit 5 items)" in diagram
    assert set(diagram_labels(diagram)) >= {"Car", "Region", "Tags"}  # the top level first


# -- escaping, for any text ------------------------------------------------------------------------
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("\\`*_[]()<>|~&#!$@%{}\"';:\n\r\t -=+.,/ aé日"),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_mermaid_labels_round_trip(text: str) -> None:
    label = mermaid_label(text, limit=10**6)
    assert re.fullmatch(_LABEL, label)
    assert not re.search(r'["%<>&|\[\](){}`:\n]', re.sub(r"#\d+;", "", label))  # none survives
    assert decode_label(label).replace(MENTION_BREAK, "") == one_line(text).replace(MENTION_BREAK, "")
    assert "\\n" not in decode_label(label)  # Mermaid would break the line there
    assert all(c.isalnum() for c in re.sub(r"#\d+;", "", label) if ord(c) > 127)
    assert len(decode_label(mermaid_label(text * 10)).replace(MENTION_BREAK, "")) <= 80


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_markdown_text_shows_as_written_in_every_context(text: str) -> None:
    want = seen(text).strip()
    for markdown in (
        f"| h |\n| --- |\n| {md_text(text)} |\n",
        f"word {md_text(text)}\n",
        f"#### word {md_text(text)}\n",
        f"- word {md_text(text)}\n",
        f"> - word {md_text(text)}\n",
    ):
        page = Page(gfm(markdown))
        assert not page.problems, markdown
        assert set(page.tags) <= {
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "p",
            "h4",
            "ul",
            "li",
            "a",
            "blockquote",
        }, markdown
        got = "".join(page.prose).replace(MENTION_BREAK, "").strip()
        assert got.removeprefix("h").strip().removeprefix("word").strip() == want, markdown
        assert not MENTION.search("".join(page.prose)), markdown  # no one is notified


@settings(max_examples=150, deadline=None)
@given(TEXT.filter(lambda t: t != ""))
def test_code_spans_and_summaries_show_as_written(text: str) -> None:
    code = Page(gfm(f"| h |\n| --- |\n| {md_code(text, table=True)} |\n\nword {md_code(text)}\n"))
    assert not code.problems and code.tags.count("code") == 2
    assert code.codes == [one_line(text)] * 2
    summary = Page(gfm(f"<details><summary>{html_text(text)}</summary>\n\nx\n\n</details>\n"))
    assert not summary.problems and summary.tags == ["details", "summary", "p"]
    assert summary.summaries == [seen(text)]


@settings(max_examples=150, deadline=None)
@given(TEXT, TEXT)
def test_a_hint_around_user_text_shows_its_code_and_every_character(title: str, tail: str) -> None:
    """ontokit's sentences (reasons, hints) keep their code spans; the user text inside is text."""
    sentence = f"pin `schemaId: a` on {title}. {tail}"
    page = Page(gfm(f"> - hint: {md_prose(sentence)}\n"))
    assert not page.problems
    assert set(page.tags) <= {"blockquote", "ul", "li", "p", "code"}
    if "`" not in title + tail:  # paired: the span is code, the rest prose
        assert page.codes[0] == "schemaId: a"
    shown = "".join(page.prose) + "".join(page.codes)
    want = seen(f"hint: {sentence}")
    for c in set(want) - set("` \t"):
        assert shown.replace(MENTION_BREAK, "").count(c) == want.count(c), c


def test_a_hint_s_code_is_code_in_the_comment() -> None:
    """The rename hint showed its backticks literally (`schemaId: old0`) once every hint was escaped."""
    page = Page(gfm(f"> - hint: {md_prose('pin `schemaId: old0` on <b>x</b>.')}\n"))
    assert page.codes == ["schemaId: old0"] and "b" not in page.tags


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT.map(one_line), max_size=5))
def test_a_fence_no_line_can_close(lines: list[str]) -> None:
    page = Page(gfm("\n".join([*fence(lines, "diff"), "after"]) + "\n"))
    assert page.blocks == [("diff", "".join(f"{line}\n" for line in lines))]


# -- what shows above the details, and what the rows are --------------------------------------------
def _plan(*projects: ProjectPlan) -> Plan:
    return Plan("h", projects, kind="diff")


def _block(name: str, subject: Subject, *changes: Change, label: bool = True) -> ProjectPlan:
    return ProjectPlan(
        name, name, "p", changes, "", label=f"{subject} {name}" if label else None, subject=subject
    )


@pytest.mark.parametrize(
    ("subjects", "header", "first"),
    [
        (["project"], "project", "a"),
        (["ontology file"], "ontology file", "a"),
        (["workspace"], "workspace", "a"),
        (["workspace", "ontology file", "project"], "project / ontology file / workspace", "workspace a"),
    ],
    ids=["projects", "ontology-files", "workspaces", "mixed"],
)
def test_the_table_says_what_its_rows_are(subjects: list[Subject], header: str, first: str) -> None:
    plan = _plan(*(_block(n, s) for n, s in zip("abc", subjects, strict=False)))
    page = Page(gfm(render_markdown(plan)))
    assert page.headers[0][0] == header
    assert page.rows[1][0] == first


def test_counts_reasons_and_hints_of_every_impact_are_outside_the_details() -> None:
    def change(impact: Impact, title: str, hint: str | None = None) -> Change:
        return Change(
            Action.CREATE if impact is Impact.SAFE else Action.UPDATE,
            "classification",
            (title,),
            impact,
            (f"why {title}",),
            title,
            hint=hint,
            affected=Affected(3, 2, lacking=7),
        )

    plan = _plan(
        _block(
            "p.yaml",
            "project",
            change(Impact.DESTRUCTIVE, "D", "pin `schemaId: x`"),
            change(Impact.BREAKING_EXPORT, "B"),
            change(Impact.DATA_DEPENDENT, "R"),
            change(Impact.SAFE, "S", "probably a rename of D (see its removal)"),
            label=False,
        )
    )
    page = Page(gfm(render_markdown(plan)))
    outside = "".join(page.outside)
    for title in "DBR":
        assert f"why {title}" in outside
    assert "7 tasks have no answer to it" in outside  # a data-dependent change's count
    assert "hint: pin schemaId: x" in outside and "probably a rename of D (see its removal)" in outside


@pytest.mark.parametrize("limit", [20_000, 65_536, 200_000])
def test_the_diagrams_stay_within_the_comment_limit(limit: int) -> None:
    plan, schemas = hostile_plan()
    whole = render_diff_comment(plan, schemas, "main", limit=10**7)
    assert len(whole) > 65_536  # too long for one comment
    md = render_diff_comment(plan, schemas, "main", limit=limit)
    assert len(md) <= limit
    if "```mermaid" not in md:
        assert "_The diagrams are left out: they would not fit in one comment._" in md
    assert "| **total** |" in md


def test_snapshot_of_a_diff_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    md = _diff(tmp_path, "classifications: []\n", WEATHER, monkeypatch)
    assert md == textwrap.dedent("""\
        ### ontokit diff

        Compared: `old.yaml → new.yaml`

        **Plan: 1 to add, 0 to change, 0 to remove, 0 to move, 0 to reorder.**

        | ontology file | create | update | delete | move | reorder | destructive | breaking-export | data-dependent |
        | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | new.yaml | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |

        <details><summary>Ontology file new.yaml: 1 to add, 0 to change, 0 to remove, 0 to move, 0 to reorder.</summary>

        ```diff
        Ontology file new.yaml:
        +   classification Weather (+4 nested)
        ```

        </details>

        #### ontology file new.yaml (after: create)

        ```mermaid
        flowchart LR
          n0["Weather<br/><small>radio</small>"]
          n1(["Sun"])
          n2(["Rain"])
          n3(["Snow"])
          n4["How much rain<br/><small>text</small>"]
          n0 --- n1
          n0 --- n2
          n0 --- n3
          n2 -. when .-> n4
          classDef create fill:#d4f7d4,stroke:#2da44e
          class n0,n4,n1,n2,n3 create
        ```
        """)


def test_the_rename_hint_is_above_the_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13's finding: the rename hint sat inside the collapsed details."""
    old = "tools:\n  - title: Pedestrain\n    type: bounding-box\n"
    md = _diff(tmp_path, old, old.replace("Pedestrain", "Pedestrian"), monkeypatch)
    hint = re.search(r"^>   - hint: probably a rename of Pedestrain to Pedestrian .*$", md, re.MULTILINE)
    assert hint is not None and hint.start() < md.index("<details>")
    page = Page(gfm(md))
    outside = "".join(page.outside)
    assert "hint: probably a rename of Pedestrain to Pedestrian that changes the schemaId" in outside
    assert "existing annotations of Pedestrain would be orphaned" in outside  # the reason, too
