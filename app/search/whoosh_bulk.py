"""Writing many documents to a Whoosh index fast: what a rebuild and merges rely on.

Two costs dominate a large write, and both are removed here:
- Whoosh keeps postings in memory up to `limitmb`, then spills sorted runs to disk and
  merges them back, with one pickle call per posting each way: a fifth of a rebuild.
  `ChunkedPostingPool` writes the same runs as marshalled chunks of postings, and is
  installed as Whoosh's posting pool for every writer of the process.
- One process analyses about a thousand posts a second. A rebuild of many documents
  uses Whoosh's multiprocessing writer instead: this process reads the database and
  hands the documents out, one process per core analyses and writes its own segment.
  The segments are kept as they are (no final merge, which would cost as much again);
  searches read several segments as cheaply as one.
"""

import marshal
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from whoosh import writing
from whoosh.index import Index
from whoosh.multiproc import MpWriter
from whoosh.writing import IndexWriter

# Postings per marshalled chunk of a spilled run. The final merge holds one chunk of every
# run at once (up to 128 runs, some 250 bytes a posting): 64 MB at most.
CHUNK = 2_000
# A rebuild goes parallel from this many documents: below, starting processes costs more.
PARALLEL_MIN_DOCUMENTS = 5_000
# Memory for the postings of one writer before it spills a run, in Whoosh's own estimate
# (about 180 bytes a posting); each process of a parallel rebuild has this budget.
SERIAL_LIMIT_MB = 192
PARALLEL_LIMIT_MB = 64


class ChunkedPostingPool(writing.PostingPool):
    def _write_run(self, f, items: Iterable) -> None:
        iterator = iter(items)
        while chunk := list(islice(iterator, CHUNK)):
            marshal.dump(chunk, f)
        f.close()

    def _read_run(self, path: str) -> Iterator:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)  # noqa: S302  (a run this writer wrote)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


# SegmentWriter (and the sub-writers of a parallel write) look the pool class up here.
writing.PostingPool = ChunkedPostingPool


def read_ahead(batches: Iterable[Sequence], documents: int) -> tuple[list[Sequence], Iterator]:
    """The first batches, until they hold `documents` documents or run out, and the rest."""
    rest = iter(batches)
    ahead, held = [], 0
    while held < documents and (batch := next(rest, None)) is not None:
        ahead.append(batch)
        held += len(batch)
    return ahead, rest


def rebuild_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def bulk_writer(ix: Index, expected_documents: int, **options) -> IndexWriter:
    """A writer for `expected_documents` new documents: parallel when that many pay for it.
    Commit it with `commit_bulk`."""
    processes = rebuild_processes()
    if processes > 1 and expected_documents >= PARALLEL_MIN_DOCUMENTS:
        return ix.writer(procs=processes, multisegment=True, limitmb=PARALLEL_LIMIT_MB, **options)
    return ix.writer(limitmb=SERIAL_LIMIT_MB, **options)


def commit_bulk(writer: IndexWriter) -> None:
    if isinstance(writer, MpWriter):
        writer.commit(merge=False)  # one segment per process, kept as written
    else:
        writer.commit(optimize=True)


def cancel_bulk(writer: IndexWriter) -> None:
    if isinstance(writer, MpWriter):
        # MpWriter.cancel() flags only this process's copies of its processes: stop them.
        for task in writer.tasks:
            task.terminate()
            task.join()
    writer.cancel()
