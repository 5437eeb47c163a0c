"""Writing output files (_io.py), through the commands that write them: all or nothing, and never
replacing what is not a regular file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = "tools: [{title: Car, type: point}]\n"


def compile_to(source: Path, out: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ontology_kit", "compile", str(source), "-o", out],
        capture_output=True,
        text=True,
        cwd=source.parent,
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    (tmp_path / "o.yaml").write_text(GOOD)
    return tmp_path / "o.yaml"


def test_a_new_file_and_a_replaced_file(source: Path) -> None:
    out = source.parent / "out.json"
    assert compile_to(source, str(out)).returncode == 0 and '"Car"' in out.read_text()
    out.write_text("old")
    assert compile_to(source, str(out)).returncode == 0 and '"Car"' in out.read_text()
    assert sorted(p.name for p in source.parent.iterdir()) == ["o.yaml", "out.json"]  # no temp file left


def test_a_symbolic_link_is_written_through(source: Path) -> None:
    real = source.parent / "real.json"
    real.write_text("old")
    link = source.parent / "link.json"
    link.symlink_to(real.name)
    assert compile_to(source, str(link)).returncode == 0
    assert link.is_symlink() and '"Car"' in real.read_text()


@pytest.mark.parametrize("device", ["/dev/null", "/dev/stdout"])
def test_a_device_is_written_to_not_replaced(source: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    kind = os.stat(device).st_mode
    result = compile_to(source, device)
    assert result.returncode == 0, result.stderr
    assert stat.S_IFMT(os.stat(device).st_mode) == stat.S_IFMT(kind)  # still a device, not a file
    if device == "/dev/stdout":
        assert '"Car"' in result.stdout


def test_a_directory_is_an_error(source: Path) -> None:
    (source.parent / "folder").mkdir()
    result = compile_to(source, str(source.parent / "folder"))
    assert result.returncode == 1 and "is a directory" in result.stderr and "Traceback" not in result.stderr
    assert (source.parent / "folder").is_dir()
