"""Run ``ontokit`` under cProfile with its work on the main thread, where cProfile sees it.

``python bench/profiled.py OUT.prof ARGS...`` runs ``ontokit ARGS...`` and writes the profile to
``OUT.prof`` when it ends (a SIGINT included: ``hub serve`` stops that way). ``apply`` runs its
projects on a thread pool, and ``hub serve`` answers each request on a thread of its own: both are
made serial here (one project, one client: the same work, in the order it was done), or cProfile,
which profiles one thread, would show only a thread waiting. Used by ``bench/migrate.py --profile``.
"""

from __future__ import annotations

import cProfile
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ontology_kit.hub import serve as hub_serve
from ontology_kit.workflow import applier


class SerialPool:
    """A ``ThreadPoolExecutor`` that runs every call on the caller's thread."""

    def __init__(self, max_workers: int | None = None) -> None:
        del max_workers

    def __enter__(self) -> SerialPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return iter([fn(item) for item in items])


def _unthreaded(make: Callable[..., Any]) -> Callable[..., Any]:
    def make_server(*args: Any, **kwargs: Any) -> Any:
        return make(*args, **{**kwargs, "threaded": False})

    return make_server


def main() -> int:
    out, args = sys.argv[1], sys.argv[2:]
    applier.ThreadPoolExecutor = SerialPool  # type: ignore[assignment,misc]
    hub_serve.make_server = _unthreaded(hub_serve.make_server)  # type: ignore[assignment]
    from ontology_kit.cli import main as cli

    profile = cProfile.Profile()
    profile.enable()
    try:
        code = cli(args)
    finally:
        profile.disable()
        profile.dump_stats(out)
    return code


if __name__ == "__main__":
    sys.exit(main())
