"""The public API is narrow and stays that way."""

from __future__ import annotations

import pytest

import ontology_kit


def test_all_is_sorted_and_complete() -> None:
    names = ontology_kit.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(ontology_kit, name) is not None


def test_no_private_names_exported() -> None:
    assert not [n for n in ontology_kit.__all__ if n.startswith("_") and n != "__version__"]


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="does_not_exist"):
        ontology_kit.does_not_exist  # noqa: B018


def test_import_is_light() -> None:
    """`import ontology_kit` must not import pydantic: `ontokit --version` and friends stay fast."""
    import subprocess
    import sys

    code = "import sys, ontology_kit.cli; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_package_folder_is_a_package() -> None:
    """A folder without __init__.py is left out of a built wheel (setuptools' find_packages)."""
    from pathlib import Path

    from setuptools import find_packages

    root = Path(ontology_kit.__file__).parent
    folders = {p.parent for p in root.rglob("*.py") if "__pycache__" not in p.parts}
    found = {
        root.parent / name.replace(".", "/")
        for name in find_packages(str(root.parent), include=["ontology_kit*"])
    }
    assert folders <= found, sorted(str(f) for f in folders - found)
