"""Engine and schema: one code path for SQLite (the default file) and PostgreSQL.

Usage::

    engine = make_engine(settings.database_url)   # "sqlite:///namndbot.db", "postgresql+psycopg://…"
    init_db(engine)                               # idempotent: migrations, full-text objects
    with session(engine) as s:                    # one Session per unit of work (one per handler call)
        card = queries.case_by_id(s, 42)

SQLite gets foreign keys (cascading deletes of a replaced document), WAL (the bot reads while
`python -m bot ingest` writes from another process) and a busy timeout. Full-text search is an
FTS5 table kept in step with ``paragraphs`` by triggers on SQLite, and a generated ``tsvector``
column ('swedish') with a GIN index on PostgreSQL.

The schema is versioned by Alembic (``migrations/``). `init_db` builds a new store from the
models and stamps it (Alembic's recipe for a database made from scratch), upgrades a versioned
one, and adopts a store made before migrations existed only when it matches the models. The
full-text objects depend on the server and are made here, outside the migrations.
"""

from __future__ import annotations

import importlib
import logging
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000

#: Every module that defines tables (importing one registers its tables on SQLModel.metadata).
MODEL_MODULES = ("knowledge.models", "knowledge.notify_models", "knowledge.refusals")
#: The Alembic script directory; ``alembic.ini`` beside it is for the command line.
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
#: pg_advisory_lock key of a migration run ("nb" "migr").
MIGRATION_LOCK_KEY = 0x6E62_6D69_6772

for _module in MODEL_MODULES:
    importlib.import_module(_module)


class SchemaError(RuntimeError):
    """The store's tables are not what this version expects, and no migration says how to get
    there: the bot refuses to start rather than write into a schema it does not know."""

_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5(
           title, text, content='paragraphs', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS paragraphs_fts_ai AFTER INSERT ON paragraphs BEGIN
           INSERT INTO paragraphs_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS paragraphs_fts_ad AFTER DELETE ON paragraphs BEGIN
           INSERT INTO paragraphs_fts(paragraphs_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS paragraphs_fts_au AFTER UPDATE OF title, text ON paragraphs BEGIN
           INSERT INTO paragraphs_fts(paragraphs_fts, rowid, title, text)
           VALUES ('delete', old.id, old.title, old.text);
           INSERT INTO paragraphs_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
]

#: Swedish stemming with diacritics folded ("tandvard" finds "tandvård"), when the server has
#: the unaccent extension; plain 'swedish' otherwise.
PG_TS_CONFIG = "nb_swedish"

_PG_TS_CONFIG_DDL = f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_TS_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {PG_TS_CONFIG} (COPY = swedish);
        ALTER TEXT SEARCH CONFIGURATION {PG_TS_CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, swedish_stem;
    END IF;
END $$"""


def _pg_fts(config: str) -> list[str]:
    return [
        f"""ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS (
               setweight(to_tsvector('{config}', coalesce(title, '')), 'A') ||
               setweight(to_tsvector('{config}', coalesce(text, '')), 'B')) STORED""",
        "CREATE INDEX IF NOT EXISTS ix_paragraphs_tsv ON paragraphs USING GIN (tsv)",
    ]


def is_sqlite(engine_or_session) -> bool:
    bind = getattr(engine_or_session, "bind", None) or engine_or_session
    if hasattr(engine_or_session, "get_bind"):
        bind = engine_or_session.get_bind()
    return bind.dialect.name == "sqlite"


def make_engine(url: str, **kwargs) -> Engine:
    """An Engine for ``url`` with the pragmas and pool this project relies on."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, url in ("sqlite://", "sqlite:///:memory:"), **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: str, memory: bool, **kwargs) -> Engine:
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins (see "begin").
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writer asks for the lock up front (``write_transaction``): a deferred transaction
        # that reads and then writes can fail at once on a busy store instead of waiting.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".rstrip())

    return engine


_FTS_TABLE = "paragraphs_fts"


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the full-text objects (made by `init_db`, not by models) out of autogenerate."""
    if type_ == "table" and name and name.startswith(_FTS_TABLE):
        return False  # the FTS5 table and its shadow tables
    if type_ == "column" and name == "tsv":
        return False
    return not (type_ == "index" and name == "ix_paragraphs_tsv")


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def _head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _schema_diff(conn) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ctx = MigrationContext.configure(
        conn, opts={"include_object": include_in_migrations, "compare_type": True}
    )
    return compare_metadata(ctx, SQLModel.metadata)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (see the module docstring for the cases). On
    PostgreSQL under an advisory lock: workers starting together migrate one at a time."""
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is not None and current == _head():
            return  # every start after the first: one query
        conn.rollback()
        with migration_lock(conn), _foreign_keys_off(conn):
            _migrate(conn)


@contextmanager
def _foreign_keys_off(conn):
    """SQLite: foreign keys off while migrating, as Alembic advises for batch migrations. A
    batch migration copies a table, drops it and renames the copy; with foreign keys on, the
    drop deletes (or refuses to delete) the rows of other tables that refer to it. Checked
    whole afterwards; elsewhere a no-op."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection  # outside any transaction: the pragma is ignored inside one
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        conn.rollback()
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
    if broken:
        raise SchemaError(f"Migreringen lämnade {len(broken)} rader som pekar på rader som inte finns: {broken[:5]}")


@contextmanager
def migration_lock(conn):
    """PostgreSQL: one migration at a time across processes (a session advisory lock, which
    the same connection may take again: `migrate` and then Alembic's env.py). Elsewhere a no-op:
    SQLite has one writer at a time."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
    conn.commit()
    try:
        yield
    finally:
        conn.rollback()
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
        conn.commit()


def _migrate(conn) -> None:
    from alembic import command
    from alembic.migration import MigrationContext

    current = MigrationContext.configure(conn).get_current_revision()
    tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
    if current is None and tables & set(SQLModel.metadata.tables):
        diff = _schema_diff(conn)
        if diff:
            raise SchemaError(
                "Databasens tabeller stämmer inte med den här versionen och saknar "
                f"migreringshistorik; skillnader: {diff}"
            )
        command.stamp(_alembic_config(conn), "head")
        log.info("Databasen från före migreringarna stämmer med modellerna: märkt %s", _head())
    elif current is None and conn.dialect.name == "sqlite":
        # Alembic's recipe for a new database: the models' tables, stamped. Fast (every test
        # makes stores), and tests/knowledge/test_migrations.py proves it equals the chain.
        SQLModel.metadata.create_all(conn)
        command.stamp(_alembic_config(conn), "head")
        log.info("Ny databas skapad med schema %s", _head())
    elif current is None:
        # PostgreSQL runs the chain itself: create_all would mark the cyclic foreign key as
        # "added later" on the shared metadata (SQLAlchemy's AddConstraint), and a SQLite store
        # made afterwards in the same process would lack it.
        command.upgrade(_alembic_config(conn), "head")
        log.info("Ny databas skapad med schema %s", _head())
    else:
        command.upgrade(_alembic_config(conn), "head")
        log.info("Databasens schema uppgraderat från %s till %s", current, _head())
    conn.commit()


def init_db(engine: Engine) -> None:
    """Migrate and create the full-text objects; safe to call on every start."""
    migrate(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for stmt in _SQLITE_FTS:
                conn.execute(text(stmt))
        return
    config = "swedish"
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
            conn.execute(text(_PG_TS_CONFIG_DDL))
        config = PG_TS_CONFIG
    except DBAPIError:  # no unaccent on this server, or no right to create it
        pass
    with engine.begin() as conn:
        for stmt in _pg_fts(config):
            conn.execute(text(stmt))


def pg_text_search_config(conn) -> str:
    """The text search configuration the ``tsv`` column was generated with."""
    expr = conn.execute(
        text(
            "SELECT generation_expression FROM information_schema.columns "
            "WHERE table_name = 'paragraphs' AND column_name = 'tsv'"
        )
    ).scalar()
    return PG_TS_CONFIG if expr and PG_TS_CONFIG in expr else "swedish"


def write_transaction(s: Session) -> None:
    """Start ``s``'s transaction as a writer (SQLite: BEGIN IMMEDIATE, waiting up to the busy
    timeout for another writer, e.g. the bot while `python -m bot ingest` runs). Call first."""
    if not s.in_transaction():
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def session(engine: Engine) -> Session:
    """A Session whose loaded rows stay readable after commit (views are built after it)."""
    return Session(engine, expire_on_commit=False)
