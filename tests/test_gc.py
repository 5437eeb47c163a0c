"""The collector is paused while a file is read and compiled, and always left as it was found."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ontology_kit import check_file, check_text
from ontology_kit.fmt import format_file
from ontology_kit.review import show

#: Big enough that building it allocates past the collector's first threshold many times over.
ONTOLOGY = "tools:\n" + "".join(f"  - title: Car {i}\n    type: bounding-box\n" for i in range(300))


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def calls(tmp_path: Path) -> dict[str, Callable[[], object]]:
    good, bad = tmp_path / "o.yaml", tmp_path / "bad.yaml"
    good.write_text(ONTOLOGY, encoding="utf-8")
    bad.write_text("tools: [", encoding="utf-8")
    found: dict[str, Callable[[], object]] = {
        "check_file": lambda: check_file(good),
        "check_file-bad": lambda: check_file(bad),
        "check_text": lambda: check_text(ONTOLOGY),
        "format_file": lambda: format_file(good),
        "show": lambda: show(str(good)),
        "show-missing": lambda: show(str(tmp_path / "missing.yaml")),
    }
    assert tuple(found) == NAMES
    return found


NAMES = ("check_file", "check_file-bad", "check_text", "format_file", "show", "show-missing")


@pytest.mark.parametrize("name", NAMES, ids=str)
@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
def test_the_collector_is_left_as_it_was(tmp_path: Path, name: str, enabled: bool) -> None:
    call = calls(tmp_path)[name]
    seen: list[str] = []
    (gc.enable if enabled else gc.disable)()
    gc.callbacks.append(lambda phase, info: seen.append(phase))
    try:
        with contextlib.suppress(Exception):  # a call that raises must restore it too
            call()
        assert gc.isenabled() is enabled
    finally:
        gc.callbacks.pop()
    assert seen == []  # no automatic collection ran during the call


def test_a_call_that_raises_restores_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ontology_kit.validate as validate

    def boom(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "check_loaded", boom)
    gc.enable()
    with pytest.raises(RuntimeError):
        check_text(ONTOLOGY)
    assert gc.isenabled()
