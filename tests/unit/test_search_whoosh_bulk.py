"""Large Whoosh writes: spilled posting runs in marshalled chunks, and the parallel rebuild.

Both must leave the index exactly as a plain in-memory write would."""

import multiprocessing

import pytest
from whoosh import index

from app.search import whoosh_backend, whoosh_bulk
from app.search.whoosh_backend import CODEC, SCHEMA, WhooshBackend, _fields
from tests.search_support import bodies, doc, find

WORDS = "granit basalte schiste ardoise calcaire marbre gneiss quartzite".split()


def _documents(count: int):
    return [
        doc(f"{WORDS[n % 8]} {WORDS[(n * 3) % 8]} échantillon {n}", object_id=n + 1)
        for n in range(count)
    ]


@pytest.fixture
def parallel_rebuild(monkeypatch):
    """Rebuilds of 20 documents or more go parallel, on two processes whatever the machine."""
    monkeypatch.setattr(whoosh_backend, "PARALLEL_MIN_DOCUMENTS", 20)
    monkeypatch.setattr(whoosh_bulk, "PARALLEL_MIN_DOCUMENTS", 20)
    monkeypatch.setattr(whoosh_bulk, "rebuild_processes", lambda: 2)


def _postings(folder) -> dict:
    """Every term with its documents and their encoded values (weights, positions)."""
    with index.open_dir(str(folder)).reader() as reader:
        return {
            (field, text): list(reader.postings(field, text).all_items())
            for field, text in reader.all_terms()
        }


def test_spilled_runs_give_the_same_postings_as_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(whoosh_bulk, "CHUNK", 7)  # several chunks per run
    documents = _documents(300)
    for name, limit_mb in (("memory", 256), ("spilled", 0.02)):
        folder = tmp_path / name
        folder.mkdir()
        writer = index.create_in(str(folder), SCHEMA).writer(codec=CODEC, limitmb=limit_mb)
        assert isinstance(writer.pool, whoosh_bulk.ChunkedPostingPool)
        for document in documents:
            writer.add_document(**_fields(document))
        if name == "spilled":
            assert len(writer.pool.runs) > 3
        writer.commit()
    assert _postings(tmp_path / "spilled") == _postings(tmp_path / "memory")


def test_read_ahead_stops_at_enough_documents():
    batches = iter([[1, 2], [3, 4], [5, 6], [7]])
    ahead, rest = whoosh_bulk.read_ahead(batches, 3)
    assert ahead == [[1, 2], [3, 4]]
    assert list(rest) == [[5, 6], [7]]
    ahead, rest = whoosh_bulk.read_ahead([[1]], 3)
    assert ahead == [[1]] and list(rest) == []


def test_a_large_rebuild_writes_one_segment_per_process(tmp_path, parallel_rebuild):
    backend = WhooshBackend(tmp_path / "search")
    documents = _documents(250)
    batches = [documents[start : start + 9] for start in range(0, 250, 9)]
    with backend.writer_lock(5):
        counts = list(backend.rebuild(batches))
    assert counts[-1] == 250
    with backend._searching() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
        assert searcher.doc_count() == 250
    granit = find(backend, "granit", limit=100)
    assert granit.total_matches == sum("granit" in document.body for document in documents)
    assert bodies(find(backend, "échantillon 137")) == [documents[137].body]
    backend.close()


def test_a_failed_parallel_rebuild_stops_its_processes(tmp_path, parallel_rebuild):
    backend = WhooshBackend(tmp_path / "search")
    documents = _documents(300)

    def batches():
        for start in range(0, 250, 10):
            yield documents[start : start + 10]
        raise OSError("database gone")

    with backend.writer_lock(5), pytest.raises(OSError):
        list(backend.rebuild(batches()))
    assert not multiprocessing.active_children()
    assert not list((tmp_path / "search").glob("build-*"))
    backend.close()


def test_warm_reads_every_segments_columns(tmp_path, parallel_rebuild):
    backend = WhooshBackend(tmp_path / "search")
    with backend.writer_lock(5):
        list(backend.rebuild([_documents(250)]))
    backend.warm()
    assert len(backend._columns) == 2
    assert sum(len(columns.newest) for columns in backend._columns.values()) == 250
    backend.close()


def test_small_segments_are_merged_by_a_child_process(tmp_path):
    backend = WhooshBackend(tmp_path / "search")
    documents = _documents(whoosh_backend.MERGE_FACTOR)
    for document in documents:
        with backend.writer_lock(5):
            backend.apply([document], [])
    with backend.writer_lock(5):
        backend.apply([], [documents[0].key])
    assert backend.maintenance_due()
    with backend.writer_lock(5):
        assert backend.maintain() == whoosh_backend.MERGE_FACTOR
    with backend._searching() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        assert searcher.doc_count() == len(documents) - 1
    assert not backend.maintenance_due()
    assert bodies(find(backend, "échantillon 3")) == [documents[3].body]
    assert not find(backend, "échantillon 0").hits
    backend.close()
