"""Draw a hostile pull-request comment as GitHub would show it, in headless Chromium, to a PNG.

    python scripts/render_comment.py [--out DIR] [--mermaid DIR] [--chromium PATH]

The comment is the ``ontokit diff --format markdown --diagram`` comment of one ontology file whose
tools, options and questions carry the hostile titles of ``tests/test_comment.py`` (a removed tool
with a rename hint, a new radio with a question shown for Rain). It is rendered to HTML by cmark-gfm
with GitHub's extensions (``cmarkgfm``), each ```mermaid block is drawn by Mermaid (the npm package,
installed with ``npm install mermaid`` into ``--mermaid`` when it is not there; no CDN), and headless
Chromium (Debian's ``chromium``; never a downloaded browser) writes:

- ``DIR/comment.md`` and ``DIR/comment.html``: the comment and the page;
- ``DIR/status.json``: whether Mermaid parsed every diagram (``errors`` must be empty): the comment's,
  and, below it on the page, ``ontokit show --format mermaid`` of every example ontology;
- ``DIR/comment.png``: a screenshot of the page.

It exits 1 when Mermaid reports an error or draws fewer diagrams than the comment has.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import cmarkgfm  # noqa: E402
from cmarkgfm.cmark import Options  # noqa: E402
from test_comment import HOSTILE  # noqa: E402

from ontology_kit.category_schema import CategorySchema  # noqa: E402
from ontology_kit.plan.diff import diff_category_schema  # noqa: E402
from ontology_kit.plan.model import Plan, ProjectPlan  # noqa: E402
from ontology_kit.render.mermaid import render_diff_comment, render_mermaid  # noqa: E402
from ontology_kit.review import show  # noqa: E402

STATUS_SCRIPT = """
mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
(async () => {
  const blocks = [...document.querySelectorAll("pre.mermaid")];
  const errors = [];
  for (const [i, block] of blocks.entries()) {
    try { await mermaid.parse(block.textContent); }
    catch (e) { errors.push(`diagram ${i}: ${e && e.message ? e.message : e}`); }
  }
  try { await mermaid.run({nodes: blocks}); }
  catch (e) { errors.push(`run: ${e && e.message ? e.message : e}`); }
  const status = {blocks: blocks.length, drawn: document.querySelectorAll("pre.mermaid svg").length,
                  errors, scripts: document.querySelectorAll("body script").length,
                  images: document.querySelectorAll("img").length};
  const out = document.createElement("pre");
  out.id = "status";
  out.textContent = JSON.stringify(status);
  document.body.append(out);
})();
"""
CSS = """
body { font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; max-width: 1100px;
       margin: 16px auto; color: #1f2328; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; }
blockquote { border-left: 4px solid #d0d7de; margin: 0; padding: 0 12px; color: #1f2328; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
pre { background: #f6f8fa; padding: 12px; overflow: auto; }
pre.mermaid { background: #fff; border: 1px solid #d0d7de; }
details { border: 1px solid #d0d7de; padding: 4px 8px; margin: 8px 0; }
"""


def _tool(title: str, sid: str, options: list[str]) -> dict[str, Any]:
    return {
        "tool": "polygon",
        "title": title,
        "schemaId": sid,
        "options": [{"value": v, "schemaId": f"{sid}-{i}"} for i, v in enumerate(options)],
        "classifications": [],
    }


def sample_comment() -> str:
    """The diff comment of one file: each hostile title a tool (removed, and created again under a
    new id: a rename hint) with a hostile option; a new radio shows a hostile question for Rain."""
    old = {"tools": [_tool(t, f"old{i}", [t]) for i, t in enumerate(HOSTILE)], "classifications": []}
    weather = {
        "tool": "radio",
        "title": "Weather",
        "schemaId": "weather",
        "options": [{"value": v, "schemaId": v} for v in ("Sun", "Rain", "Snow")],
        "classifications": [
            {"tool": "text", "title": t, "schemaId": f"q{i}", "parentOptionId": "Rain"}
            for i, t in enumerate(HOSTILE[:6])
        ],
    }
    new = {
        "tools": [_tool(t + ".", f"new{i}", [t]) for i, t in enumerate(HOSTILE)],
        "classifications": [weather],
    }
    name = "ontologies/</details>`@everyone`|x.yaml"
    changes = tuple(diff_category_schema(CategorySchema(new), CategorySchema(old)))
    project = ProjectPlan(
        name, name, None, changes, "", label=f"Ontology file {name}", subject="ontology file"
    )
    plan = Plan("origin/main → working tree", (project,), kind="diff")
    return render_diff_comment(plan, {name: (CategorySchema(old), CategorySchema(new))}, "origin/main")


def examples() -> str:
    """``ontokit show --format mermaid`` of every example ontology, as Markdown."""
    out = []
    for path in sorted((ROOT / "examples" / "ontologies").glob("*.yaml")):
        shown = show(str(path))
        if shown.schema is not None:
            out.append(f"\n#### examples/ontologies/{path.name}\n\n{render_mermaid(shown.schema)}")
    return "".join(out)


def page(markdown: str, mermaid_js: Path) -> str:
    """The comment as GitHub's renderer makes it (tag filter included), Mermaid blocks marked for
    Mermaid, in a page that loads Mermaid from ``mermaid_js`` and reports what it drew."""
    body = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG
    )
    body = re.sub(
        r'<pre lang="mermaid"><code>(.*?)</code></pre>',
        lambda m: f'<pre class="mermaid">{m.group(1)}</pre>',
        body,
        flags=re.DOTALL,
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>ontokit comment</title>"
        f"<style>{CSS}</style></head><body>{body}"
        f"<script src='{html.escape(mermaid_js.as_uri())}'></script><script>{STATUS_SCRIPT}</script>"
        "</body></html>"
    )


def mermaid(folder: Path) -> Path:
    """``mermaid.min.js`` of the npm package in ``folder``, installed there when missing."""
    js = folder / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not js.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is not installed: give --mermaid a folder with node_modules/mermaid")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), "mermaid"], check=True
        )
    return js


def chromium(binary: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="ontokit-chromium-") as profile:
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--allow-file-access-from-files",
            "--virtual-time-budget=20000",
            *args,
            url,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("comment-render"))
    parser.add_argument("--mermaid", type=Path, default=Path.home() / ".cache" / "ontokit" / "mermaid")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--height", type=int, default=4000, help="the screenshot's height in pixels")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    markdown = sample_comment()
    (out / "comment.md").write_text(markdown, encoding="utf-8")
    shown = markdown + "\n---\n" + examples()
    (out / "comment.html").write_text(page(shown, mermaid(args.mermaid.resolve())), encoding="utf-8")
    url = (out / "comment.html").as_uri()
    dom = chromium(args.chromium, url, "--dump-dom")
    found = re.search(r'<pre id="status">(.*?)</pre>', dom.stdout, re.DOTALL)
    if found is None:
        print(dom.stderr[-2000:], file=sys.stderr)
        sys.exit("Chromium did not report: see the page in " + str(out / "comment.html"))
    status = json.loads(html.unescape(found.group(1)))
    (out / "status.json").write_text(json.dumps(status, indent=2) + "\n", encoding="utf-8")
    shot = chromium(
        args.chromium, url, f"--screenshot={out / 'comment.png'}", f"--window-size=1200,{args.height}"
    )
    if shot.returncode != 0:
        print(shot.stderr[-2000:], file=sys.stderr)
    expected = shown.count("```mermaid\n")
    print(json.dumps(status), f"expected {expected} diagrams", f"screenshot: {out / 'comment.png'}", sep="\n")
    drawn = not status["errors"] and status["drawn"] == status["blocks"] == expected
    # the page's own two scripts and no image: no user text became an element
    return 0 if drawn and status["scripts"] == 2 and status["images"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
