"""Bulk loading with SQLAlchemy Core: ids chosen here, rows as plain dicts, executemany.

Choosing the ids in Python lets every row name its parents without a round trip, so
a whole batch of topics, posts, revisions and likes goes in as one executemany per
table. On SQLite the load runs with the PRAGMAs of a bulk import (no fsync, a large
page cache); the connection's own settings come back when it is returned to the pool.
"""

from collections.abc import Sequence

from sqlalchemy import Connection, Table, func, insert, select, text

# A page cache of about 256 MB (negative values are KiB) keeps the indexes being filled in memory.
SQLITE_BULK_PRAGMAS = (
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-262144",
    "PRAGMA temp_store=MEMORY",
)
SQLITE_NORMAL_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000")


class BulkWriter:
    """Inserts rows table by table on one connection and hands out the next ids."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.is_sqlite = connection.dialect.name == "sqlite"
        self._next_ids: dict[str, int] = {}
        self.rows_written = 0

    def __enter__(self) -> "BulkWriter":
        if self.is_sqlite:
            for pragma in SQLITE_BULK_PRAGMAS:
                self.connection.exec_driver_sql(pragma)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.is_sqlite:
            for pragma in SQLITE_NORMAL_PRAGMAS:
                self.connection.exec_driver_sql(pragma)

    def new_ids(self, table: Table, count: int) -> range:
        """`count` fresh primary keys for `table`, above any already stored."""
        if table.name not in self._next_ids:
            highest = self.connection.scalar(select(func.max(table.c.id))) or 0
            self._next_ids[table.name] = highest + 1
        start = self._next_ids[table.name]
        self._next_ids[table.name] = start + count
        return range(start, start + count)

    def new_id(self, table: Table) -> int:
        return self.new_ids(table, 1)[0]

    def insert(self, table: Table, rows: Sequence[dict]) -> None:
        if rows:
            self.connection.execute(insert(table), rows)
            self.rows_written += len(rows)

    def commit(self) -> None:
        self.connection.commit()

    def finish(self) -> None:
        """Commit, and on PostgreSQL move each id sequence past the ids given here."""
        if not self.is_sqlite:
            for name in self._next_ids:
                self.connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
                        f'(SELECT max(id) FROM "{name}"))'
                    )
                )
        self.connection.commit()
