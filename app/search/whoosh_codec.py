"""Whoosh's default codec, with per-document field lengths read once into memory.

Whoosh looks up a document's field length for every posting it writes and for every
document it scores, each time through a seek and a struct read of the lengths file:
a third of the cost of a commit. Segments are immutable, so their lengths can be
read once. The codec is stored in each segment's table of contents, which is why
this class must keep its import path (moving it means `maillage reindex`).
"""

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


class CachedLengthsReader(W3PerDocReader):
    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._length_lists: dict[str, list[int] | None] = {}

    def _lengths(self, fieldname: str) -> list[int] | None:
        if fieldname not in self._length_lists:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._length_lists[fieldname] = (
                None
                if reader is None
                else [byte_to_length(value) if value else 0 for value in reader]
            )
        return self._length_lists[fieldname]

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._lengths(fieldname)
        if lengths is None:
            return default
        # Like the original: a zero length byte means "no length" (None).
        return lengths[docnum] or None


class MaillageCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return CachedLengthsReader(storage, segment)
