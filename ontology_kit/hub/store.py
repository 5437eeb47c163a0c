"""The local Hub's persistence: SQLite, one file, safe under concurrent requests.

Projects are stored as one JSON document each (the shape ``GET /v2/project/{id}`` returns), so a
read is one row and an update is a read-modify-write inside ``BEGIN IMMEDIATE``, which serializes
writers across threads and processes. WAL mode lets readers proceed while a writer works.
API keys and webhook secrets are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .._secret import secret_digest, secret_mac
from .annotations_store import SCHEMA as _ANNOTATIONS_SCHEMA
from .annotations_store import upgrade as _upgrade_annotations

__all__ = ["HubStore", "LockRow", "new_object_id", "secret_digest", "utc_now"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    key_sha256 TEXT PRIMARY KEY, organization TEXT NOT NULL REFERENCES organizations(id),
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, organization TEXT NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL, created_at TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS projects_by_org ON projects(organization, seq);
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, project TEXT NOT NULL REFERENCES projects(id),
    organization TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL,
    secret_salt TEXT, secret_sha256 TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS webhooks_by_project ON webhooks(project);
CREATE TABLE IF NOT EXISTS idempotency (
    organization TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (organization, key));
CREATE TABLE IF NOT EXISTS locks (
    organization TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, info TEXT NOT NULL,
    acquired_at TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (organization, name));
"""


#: A project that ``delete_project`` soft-deleted is no longer found or listed.
_LIVE = " AND json_extract(doc, '$.deleted') IS NOT 1"


def utc_now() -> str:
    """A timestamp as the Hub writes them: ``2025-01-15T10:30:00.000Z``."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


_oid_lock = threading.Lock()
_oid_counter = int.from_bytes(os.urandom(3), "big")


def new_object_id() -> str:
    """A 24-hex id shaped like the Hub's (MongoDB ObjectId: time, random, counter)."""
    global _oid_counter
    with _oid_lock:
        _oid_counter = (_oid_counter + 1) % 0xFFFFFF
        counter = _oid_counter
    return (int(time.time()).to_bytes(4, "big") + os.urandom(5) + counter.to_bytes(3, "big")).hex()


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class LockRow(NamedTuple):
    """One lease of the ``locks`` extension: who holds ``name``, since when, until when."""

    name: str
    owner: str
    info: str
    acquired_at: str
    expires_at: str

    def document(self) -> dict[str, str]:
        """As the hub answers it."""
        return {
            "name": self.name,
            "owner": self.owner,
            "info": self.info,
            "acquiredAt": self.acquired_at,
            "expiresAt": self.expires_at,
        }


def _salted(secret: str | None) -> tuple[str | None, str | None]:
    """(salt, mac) to store for a secret; (None, None) for no secret."""
    if not secret:
        return None, None
    salt = secrets.token_hex(8)
    return salt, secret_mac(salt, secret)


def _seal_stage_secrets(db: sqlite3.Connection) -> None:
    """Once per database (``user_version`` 1): the stage secrets an older local Hub stored as given
    become their salted digests, as ``update_workflow_stages`` now stores them (docs/hub.md)."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA secure_delete=ON")  # the old text is overwritten, not left in free pages
    for row in db.execute('SELECT id, doc FROM projects WHERE doc LIKE \'%"secret": "%\'').fetchall():
        doc = json.loads(row["doc"])
        stages = doc.get("stages") if isinstance(doc.get("stages"), list) else []
        plain = [s for s in stages if isinstance(s, dict) and isinstance(s.get("secret"), str)]
        for stage in plain:
            salt, mac = _salted(stage.pop("secret"))
            if salt is not None:
                stage["secret"] = {"set": True, "digest": f"sha256:{salt}:{mac}"}
        if plain:
            db.execute("UPDATE projects SET doc = ? WHERE id = ?", (json.dumps(doc), row["id"]))
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    # The old text is still in the write-ahead log's earlier frames: copy the log into the database
    # and empty it (a reader still open elsewhere can delay this; the next checkpoint then does it).
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


#: Idle connections a store keeps (one per thread that is serving a request at once is plenty).
_IDLE_CONNECTIONS = 4


class HubStore:
    """All state of one local Hub, in one SQLite file (or ``:memory:``-like temp file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # Connections a request left in good order, for the next (any thread): opening one costs the
        # open, three PRAGMAs and, when it is the last one open, a WAL checkpoint at its close.
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Given back, never left to the garbage collector: a connection still open when the hub
        # closes keeps the write-ahead log out of the file (close() relies on closing the last one).
        db = self._connect()
        try:
            db.execute("PRAGMA journal_mode=WAL")
            _upgrade_annotations(db)  # before the script: it would index a missing column
            db.executescript(_SCHEMA + _ANNOTATIONS_SCHEMA)
            if db.execute("PRAGMA user_version").fetchone()[0] < 1:
                _seal_stage_secrets(db)
        except BaseException:
            db.close()
            raise
        self._give_back(db)

    # -- connections ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=30000")
        db.execute(
            "PRAGMA synchronous=NORMAL"
        )  # with WAL: never corrupt; may lose the last commit on power loss
        return db

    def _take(self) -> sqlite3.Connection:
        with self._idle_lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def close(self) -> None:
        """Close the connections kept for the next request. The last connection to close copies the
        write-ahead log into the database file, so that the file alone holds everything (a hub
        stopped, then its database moved or backed up without its ``-wal``, keeps every write)."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()

    def _give_back(self, db: sqlite3.Connection) -> None:
        """Keep ``db`` for the next request (a few at most), or close it."""
        if not db.in_transaction:
            with self._idle_lock:
                if len(self._idle) < _IDLE_CONNECTIONS:
                    self._idle.append(db)
                    return
        db.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads."""
        db = self._take()
        try:
            yield db
        except BaseException:
            db.close()  # a cursor may still be open on it: not kept
            raise
        self._give_back(db)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside ``BEGIN IMMEDIATE``: committed on success, rolled back on error."""
        db = self._take()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        self._give_back(db)

    # -- organizations and keys -------------------------------------------------------------------
    def create_organization(self, name: str, api_key: str | None = None) -> tuple[str, str]:
        """Create an organization with an API key (generated when not given): (org id, key)."""
        key = api_key or secrets.token_hex(20)
        org = new_object_id()
        with self.write() as db:
            db.execute("INSERT INTO organizations VALUES (?, ?, ?)", (org, name, utc_now()))
            db.execute("INSERT INTO api_keys VALUES (?, ?, ?)", (_key_hash(key), org, utc_now()))
        return org, key

    def ensure_key(self, api_key: str, org_name: str = "default") -> str:
        """Make ``api_key`` valid (for a new organization if it is unknown); returns its organization."""
        found = self.organization_for_key(api_key)
        if found:
            return found
        return self.create_organization(org_name, api_key)[0]

    def organization_for_key(self, api_key: str) -> str | None:
        """The organization an API key belongs to, or None."""
        with self.read() as db:
            row = db.execute(
                "SELECT organization FROM api_keys WHERE key_sha256 = ?", (_key_hash(api_key),)
            ).fetchone()
        return row["organization"] if row else None

    # -- projects ---------------------------------------------------------------------------------
    def insert_project(self, db: sqlite3.Connection, org: str, doc: dict[str, Any]) -> None:
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM projects").fetchone()[0]
        db.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?)",
            (doc["_id"], org, doc["name"], doc["createdAt"], seq, json.dumps(doc)),
        )

    def get_project(self, db: sqlite3.Connection, org: str, project_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT doc FROM projects WHERE id = ? AND organization = ?" + _LIVE, (project_id, org)
        ).fetchone()
        return json.loads(row["doc"]) if row else None

    def get_project_text(self, db: sqlite3.Connection, org: str, project_id: str) -> str | None:
        """The stored JSON text of a project (served as is: no parse, no re-serialization)."""
        row = db.execute(
            "SELECT doc FROM projects WHERE id = ? AND organization = ?" + _LIVE, (project_id, org)
        ).fetchone()
        return str(row["doc"]) if row else None

    def save_project(self, db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        db.execute(
            "UPDATE projects SET doc = ?, name = ? WHERE id = ?", (json.dumps(doc), doc["name"], doc["_id"])
        )

    def delete_project(self, db: sqlite3.Connection, project_id: str, *, purge: bool) -> None:
        """Take a project out of every list and lookup. ``delete_project`` is a soft delete: the
        document is marked ``deleted`` and its tasks stay, as the real Hub keeps them; with ``purge``,
        its assets, tasks, answers, exports and webhooks are deleted, then the project itself."""
        row = db.execute("SELECT doc FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            return
        doc = {**json.loads(row["doc"]), "deleted": True}
        self.save_project(db, doc)
        if purge:
            db.execute("DELETE FROM answer_refs WHERE project = ?", (project_id,))
            for table in ("tasks", "assets", "exports", "webhooks", "projects"):  # children first
                column = "id" if table == "projects" else "project"
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (project_id,))

    def list_projects(
        self, org: str, offset: int, limit: int, descending: bool = True
    ) -> tuple[list[dict[str, Any]], int]:
        order = "DESC" if descending else "ASC"
        with self.read() as db:
            total = db.execute(
                "SELECT COUNT(*) FROM projects WHERE organization = ?" + _LIVE, (org,)
            ).fetchone()[0]
            rows = db.execute(
                f"SELECT doc FROM projects WHERE organization = ?{_LIVE} ORDER BY seq {order} "
                "LIMIT ? OFFSET ?",
                (org, limit, offset),
            ).fetchall()
        return [json.loads(r["doc"]) for r in rows], total

    # -- webhooks ---------------------------------------------------------------------------------
    def insert_webhook(
        self, db: sqlite3.Connection, org: str, project: str, url: str, types: list[str], secret: str | None
    ) -> dict[str, Any]:
        wid, now = new_object_id(), utc_now()
        salt, digest = _salted(secret)
        db.execute(
            "INSERT INTO webhooks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (wid, project, org, url, json.dumps(types), salt, digest, now, now),
        )
        return self._webhook_row(db.execute("SELECT * FROM webhooks WHERE id = ?", (wid,)).fetchone())

    def update_webhook(
        self, db: sqlite3.Connection, org: str, webhook_id: str, fields: dict[str, Any]
    ) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT * FROM webhooks WHERE id = ? AND organization = ?", (webhook_id, org)
        ).fetchone()
        if row is None:
            return None
        url = fields.get("url", row["url"])
        types = json.dumps(fields["types"]) if "types" in fields else row["types"]
        salt, digest = row["secret_salt"], row["secret_sha256"]
        if "secret" in fields:
            salt, digest = _salted(fields["secret"])
        db.execute(
            "UPDATE webhooks SET url = ?, types = ?, secret_salt = ?, secret_sha256 = ?, updated_at = ? "
            "WHERE id = ?",
            (url, types, salt, digest, utc_now(), webhook_id),
        )
        return self._webhook_row(db.execute("SELECT * FROM webhooks WHERE id = ?", (webhook_id,)).fetchone())

    def list_webhooks(self, db: sqlite3.Connection, project: str) -> list[dict[str, Any]]:
        rows = db.execute(
            "SELECT * FROM webhooks WHERE project = ? ORDER BY created_at, id", (project,)
        ).fetchall()
        return [self._webhook_row(r) for r in rows]

    @staticmethod
    def _webhook_row(row: sqlite3.Row) -> dict[str, Any]:
        # The secret itself is never stored, so it can never be returned: only whether one is set
        # and a salted digest that a client holding the secret can compare with.
        secret = None
        if row["secret_sha256"]:
            secret = {"set": True, "digest": f"sha256:{row['secret_salt']}:{row['secret_sha256']}"}
        return {
            "_id": row["id"],
            "project": row["project"],
            "url": row["url"],
            "types": json.loads(row["types"]),
            "secret": secret or {"set": False, "digest": None},
            "createdAt": row["created_at"],
            "updatedAt": row["updated_at"],
        }

    # -- idempotency ------------------------------------------------------------------------------
    def replay(self, db: sqlite3.Connection, org: str, key: str) -> tuple[int, str, str, str] | None:
        row = db.execute(
            "SELECT status, body, method, path FROM idempotency WHERE organization = ? AND key = ?",
            (org, key),
        ).fetchone()
        return (row["status"], row["body"], row["method"], row["path"]) if row else None

    def remember(
        self, db: sqlite3.Connection, org: str, key: str, method: str, path: str, status: int, body: str
    ) -> None:
        db.execute(
            "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)",
            (org, key, method, path, status, body, utc_now()),
        )

    # -- locks (the `locks` extension: leases a client takes before it writes; docs/hub.md) ------
    def acquire_locks(
        self, org: str, names: list[str], owner: str, info: str, ttl: float
    ) -> tuple[bool, list[LockRow]]:
        """Take (or renew) every lock of ``names`` for ``owner``, all or none, in one transaction.

        Returns (True, the leases) when granted; (False, [the first lease held by another owner])
        when not. An expired lease is free; the owner's own lease is renewed (its start is kept).
        """
        now = time.time()
        with self.write() as db:
            held: dict[str, sqlite3.Row] = {}
            for name in names:
                row = db.execute(
                    "SELECT * FROM locks WHERE organization = ? AND name = ?", (org, name)
                ).fetchone()
                if row is None or row["expires"] <= now:
                    continue
                if row["owner"] != owner:
                    return False, [self._lock_row(row)]
                held[name] = row
            leases = []
            for name in names:
                mine = held.get(name)
                since = mine["acquired_at"] if mine is not None else utc_now()
                db.execute(
                    "INSERT OR REPLACE INTO locks VALUES (?, ?, ?, ?, ?, ?)",
                    (org, name, owner, info, since, now + ttl),
                )
                leases.append(LockRow(name, owner, info, since, _iso(now + ttl)))
        return True, leases

    def release_locks(self, org: str, names: list[str], owner: str) -> list[str]:
        """Release the locks of ``names`` that ``owner`` holds; returns the names released."""
        released = []
        with self.write() as db:
            for name in names:
                cursor = db.execute(
                    "DELETE FROM locks WHERE organization = ? AND name = ? AND owner = ?", (org, name, owner)
                )
                if cursor.rowcount:
                    released.append(name)
        return released

    def list_locks(self, org: str) -> list[LockRow]:
        """The leases of ``org`` that have not expired, oldest first."""
        with self.read() as db:
            rows = db.execute(
                "SELECT * FROM locks WHERE organization = ? AND expires > ? ORDER BY acquired_at, name",
                (org, time.time()),
            ).fetchall()
        return [self._lock_row(r) for r in rows]

    @staticmethod
    def _lock_row(row: sqlite3.Row) -> LockRow:
        return LockRow(row["name"], row["owner"], row["info"], row["acquired_at"], _iso(row["expires"]))
