"""UTC datetimes stored on SQLite exactly as SQLAlchemy's own SQLite type writes them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from app.db import UTCDateTime

MOMENTS = [
    datetime(2026, 1, 31, 12, 0, tzinfo=UTC),
    datetime(2026, 7, 1, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=UTC),
    datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_sqlite_text_is_sqlalchemys(moment):
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    theirs = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None))


@pytest.mark.parametrize("moment", MOMENTS)
def test_sqlite_text_reads_back_as_the_same_moment(moment):
    dialect = sqlite.dialect()
    impl = UTCDateTime().dialect_impl(dialect)
    stored = impl.bind_processor(dialect)(moment)
    read = impl.result_processor(dialect, None)(stored)
    assert read == moment
    assert read.tzinfo is UTC


def test_naive_datetimes_are_refused():
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process(None) is None
    with pytest.raises(ValueError, match="naive"):
        process(datetime(2026, 1, 1))
