"""Editors: yaml-language-server (the server behind VS Code's YAML extension), run headlessly over
stdio LSP on the examples, completes ontokit's keys with their descriptions, shows a field's
description on hover, and flags a structural error (issue 13, item 6).

The server is pinned in tests/yamlls/package.json and package-lock.json; `.ci/run` installs it with
`npm ci --prefix tests/yamlls`, and this test does the same when it is missing. Without node and npm
the test is skipped, except on CI (``CI`` set), where it must run.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
YAMLLS = ROOT / "tests" / "yamlls"
SERVER = YAMLLS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMAS = {
    kind: json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text())
    for kind in ("ontology", "project")
}
DEFS = SCHEMAS["ontology"]["$defs"]
TIMEOUT = 30.0


class LanguageServer:
    """A minimal LSP client: JSON-RPC with Content-Length framing over the server's stdio."""

    def __init__(self, command: list[str], settings: dict[str, Any]) -> None:
        self.settings = settings
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.last_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        stream = self.process.stdout
        while True:
            length = None
            while line := stream.readline():
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.last_id += 1
        ident = self.last_id
        self._send({"id": ident, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The next message ``wanted`` (answering the server's own requests meanwhile)."""
        for seen in self.notifications:
            if wanted(seen):
                self.notifications.remove(seen)
                return seen
        end = time.monotonic() + TIMEOUT
        while True:
            message = self.messages.get(timeout=max(0.0, end - time.monotonic()))
            if "method" in message and "id" in message:  # a request of the server's
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [
                        self.settings.get(i.get("section", ""), None) for i in message["params"]["items"]
                    ]
                self._send({"id": message["id"], "result": result})
            elif wanted(message):
                return message
            elif "method" in message:
                self.notifications.append(message)

    def open(self, uri: str, text: str) -> list[dict[str, Any]]:
        """Open a document; the diagnostics the server publishes for it."""
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        published = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )
        return list(published["params"]["diagnostics"])

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return "" if result is None else str(result["contents"]["value"])

    def complete(self, uri: str, line: int, character: int) -> dict[str, str]:
        """label -> documentation of the completions at a position."""
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = result["items"] if isinstance(result, dict) else result
        return {item["label"]: _text(item.get("documentation")) for item in items}

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.reader.join(timeout=5)
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    pipe.close()


def _text(documentation: Any) -> str:
    if isinstance(documentation, dict):
        return str(documentation.get("value", ""))
    return str(documentation or "")


def _plain(markdown: str) -> str:
    """Markdown as the server escapes it (``\\#``, ``\\-``), back to plain text."""
    for char in "#-*_`[](){}.!>|+":
        markdown = markdown.replace("\\" + char, char)
    return markdown


def _server_command() -> list[str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed on CI to run yaml-language-server")
        pytest.skip("node and npm are not installed")
    with (YAMLLS / ".install.lock").open("w") as lock:  # one pytest-xdist worker installs it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not SERVER.exists():
            subprocess.run([npm, "ci", "--prefix", str(YAMLLS), "--no-audit", "--no-fund"], check=True)
    return [node, str(SERVER), "--stdio"]


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    mapped = {(ROOT / "schemas" / "project.schema.json").as_uri(): ["**/mapped/*.yaml"]}
    settings = {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemas": mapped,
            "schemaStore": {"enable": False},
        }
    }
    ls = LanguageServer(_server_command(), settings)
    try:
        ls.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": ROOT.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown"]},
                        "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
                    },
                    "workspace": {"configuration": True},
                },
            },
        )
        ls.notify("initialized", {})
        ls.notify("workspace/didChangeConfiguration", {"settings": settings})
        yield ls
    finally:
        ls.close()


def _description(definition: str, field: str) -> str:
    return str(DEFS[definition]["properties"][field]["description"])


EXAMPLE = ROOT / "examples" / "ontologies" / "sdk-tools-classifications-relations.yaml"  # a bare tool
DRIVING = ROOT / "examples" / "ontologies" / "driving-scenes.yaml"  # every field of a tool


def _line_of(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


def test_every_example_is_clean_in_the_editor(server: LanguageServer) -> None:
    files = sorted((ROOT / "examples").rglob("*.yaml"))
    files = [f for f in files if "yaml-language-server: $schema=" in f.read_text(encoding="utf-8")]
    assert len(files) >= 10
    for path in files:
        assert server.open(path.as_uri(), path.read_text(encoding="utf-8")) == [], path.name


def test_completion_offers_ontokit_keys_with_their_descriptions(server: LanguageServer) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    at = _line_of(lines, "type: segmentation")
    indent = lines[at].index("type")
    lines.insert(at + 1, " " * indent)  # an empty key position inside the tool
    uri = (EXAMPLE.parent / "completion-probe.yaml").as_uri()
    server.open(uri, "\n".join(lines) + "\n")
    offered = server.complete(uri, at + 1, indent)
    for key in ("color", "shortcutKey", "classifications", "required", "options", "optionSet"):
        assert key in offered, sorted(offered)
        assert _plain(offered[key]).startswith(_description("Tool", key)[:40]), (key, offered[key])


def test_completion_of_a_type_offers_the_types_of_its_family(server: LanguageServer) -> None:
    text = "tools:\n  - title: Car\n    type: \nclassifications:\n  - title: Q\n    type: \n"
    uri = (EXAMPLE.parent / "type-probe.yaml").as_uri()
    server.open(uri, f"# yaml-language-server: $schema=../../schemas/ontology.schema.json\n{text}")
    tools, questions = server.complete(uri, 3, 10), server.complete(uri, 6, 10)
    assert {"bounding-box", "polygon", "point"} <= set(tools) and "radio" not in tools, sorted(tools)
    assert {"radio", "tree-dropdown", "text"} <= set(questions) and "polygon" not in questions, sorted(
        questions
    )


def test_hover_shows_the_description_from_the_models(server: LanguageServer) -> None:
    text = DRIVING.read_text(encoding="utf-8")
    lines = text.splitlines()
    uri = (DRIVING.parent / "hover-probe.yaml").as_uri()
    server.open(uri, text)
    for key, definition in (("shortcutKey", "Tool"), ("color", "Tool"), ("title", "Tool"), ("type", "Tool")):
        line = _line_of(lines, f"{key}:")
        shown = _plain(server.hover(uri, line, lines[line].index(key) + 1))
        assert _description(definition, key) in shown, (key, shown)
        assert "Richtext" not in shown and f"\n#### {key.capitalize()}\n" not in shown


def test_hover_over_rich_text_is_not_a_made_up_title(server: LanguageServer) -> None:
    """The issue's finding: the hover text of `richText` was pydantic's title "Richtext"."""
    path = ROOT / "examples" / "ontologies" / "sdk-conditional-text.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    uri = (path.parent / "rich-text-probe.yaml").as_uri()
    server.open(uri, "\n".join(lines) + "\n")
    line = _line_of(lines, "richText:")
    shown = _plain(server.hover(uri, line, lines[line].index("richText") + 2))
    assert _description("Classification", "richText") in shown, shown
    assert "Richtext" not in shown


def test_an_inline_ontology_is_completed_and_described(server: LanguageServer) -> None:
    # mapped by the `yaml.schemas` setting (no modeline): what VS Code's settings.json does
    text = "name: Road scenes\nontology:\n  tools:\n    - title: Car\n      type: point\n      color: red\n"
    uri = (ROOT / "mapped" / "road.yaml").as_uri()
    diagnostics = server.open(uri, text)
    assert [(d["range"]["start"]["line"], d["severity"]) for d in diagnostics] == [(5, 1)], diagnostics
    assert "RRGGBB" in diagnostics[0]["message"]
    shown = _plain(server.hover(uri, 4, 7))
    assert _description("Tool", "type") in shown, shown
    shown = _plain(server.hover(uri, 0, 1))
    assert str(SCHEMAS["project"]["properties"]["name"]["description"]) in shown, shown


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        pytest.param("color", '"red"', "RRGGBB", id="color"),
        pytest.param("shortcutKey", '"\\t"', "shortcut", id="shortcut"),
        pytest.param("required", '"yes"', "boolean", id="wrong-type"),
        pytest.param("colour", '"#FF0000"', "not allowed", id="unknown-key"),
    ],
)
def test_a_structural_error_is_a_diagnostic(
    server: LanguageServer, field: str, value: str, expected: str
) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    at = _line_of(lines, "type: segmentation")
    indent = lines[at].index("type")
    lines.insert(at + 1, " " * indent + f"{field}: {value}")
    uri = (EXAMPLE.parent / f"error-probe-{field}.yaml").as_uri()
    diagnostics = server.open(uri, "\n".join(lines) + "\n")
    assert [d["range"]["start"]["line"] for d in diagnostics] == [at + 1], diagnostics
    assert expected.lower() in diagnostics[0]["message"].lower(), diagnostics[0]["message"]
