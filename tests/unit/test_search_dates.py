"""Date filters, through the backend the settings select: the bounds, open ends, and
documents deleted since they were indexed."""

from datetime import UTC, datetime

import pytest

from tests.search_support import bodies, doc, find

DAYS = [datetime(2026, 1, day, 12, tzinfo=UTC) for day in (1, 10, 20, 31)]


def moment(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "before", "expected_days"),
    [
        (None, None, [1, 10, 20, 31]),
        (moment(10), None, [10, 20, 31]),
        (None, moment(20), [1, 10]),
        (moment(10), moment(20, 13), [10, 20]),
        (moment(10, 12), moment(10, 12), []),  # before is exclusive
        (moment(31, 13), None, []),
    ],
)
def test_dates_select_by_creation(search_backend, index_documents, after, before, expected_days):
    index_documents(*(doc(f"sauvegarde du {day.day}", created_at=day) for day in DAYS))
    found = find(search_backend, "sauvegarde", after=after, before=before)
    assert sorted(bodies(found)) == sorted(f"sauvegarde du {day}" for day in expected_days)


def test_a_deleted_document_leaves_date_filtered_results(search_backend, index_documents):
    kept, gone = (
        doc("archive gardée", created_at=DAYS[1]),
        doc("archive supprimée", created_at=DAYS[2]),
    )
    index_documents(kept, gone)
    assert len(find(search_backend, "archive", after=moment(2)).hits) == 2
    with search_backend.writer_lock(5):
        search_backend.apply([], [gone.key])
    assert bodies(find(search_backend, "archive", after=moment(2))) == ["archive gardée"]
