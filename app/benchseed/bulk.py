"""Bulk loading with SQLAlchemy Core: ids chosen here, rows as plain dicts, executemany.

Choosing the ids in Python lets every row name its parents without a round trip, so
a whole batch of topics, posts, revisions and likes goes in as one executemany per
table. On SQLite the load runs with the PRAGMAs of a bulk import (no fsync, a large
page cache); the connection's own settings come back when it is returned to the pool.

Rows go to the driver's executemany with the column types' own bind processors
applied here: SQLAlchemy's per-row parameter handling would cost as much as SQLite's
insert itself. So each row names every column its table gives a default to.
"""

from collections.abc import Sequence
from operator import itemgetter

from sqlalchemy import Connection, Table, func, select, text

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
        self._statements: dict[tuple[str, tuple[str, ...]], tuple] = {}
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
        """Insert rows that all have the keys of the first one."""
        if not rows:
            return
        sql, values_of, processors, constants = self._statement(table, tuple(rows[0]))
        parameters = []
        for row in rows:
            values = list(values_of(row))
            for position, process in processors:
                values[position] = process(values[position])
            parameters.append((*values, *constants))
        self.connection.exec_driver_sql(sql, parameters)
        self.rows_written += len(rows)

    def _statement(self, table: Table, names: tuple[str, ...]) -> tuple:
        """The INSERT with positional parameters (the rows' columns, then those left to a
        constant default), a getter of a row's values, their processors and the constants."""
        key = (table.name, names)
        if key not in self._statements:
            dialect = self.connection.dialect
            defaulted = [c for c in table.columns if c.key not in names and c.default is not None]
            computed = [c.key for c in defaulted if not c.default.is_scalar]
            if computed:
                raise ValueError(f"bulk rows of {table.name} need values for {computed}")
            columns = [table.c[name] for name in names] + defaulted
            processors = [
                column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
            ]
            constants = tuple(
                column.default.arg if process is None else process(column.default.arg)
                for column, process in zip(defaulted, processors[len(names) :], strict=True)
            )
            # Names from the table's own metadata; every value is a parameter.
            table_sql = dialect.identifier_preparer.format_table(table)
            columns_sql = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
            values_sql = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(columns))
            self._statements[key] = (
                f"INSERT INTO {table_sql} ({columns_sql}) VALUES ({values_sql})",  # noqa: S608
                itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],),
                [(i, process) for i, process in enumerate(processors[: len(names)]) if process],
                constants,
            )
        return self._statements[key]

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
