"""Differences between two texts: by line, and by word inside the lines that changed.

The result is one structure that both views draw (inline: removed then added lines;
side by side: old on the left, new on the right) and the API returns as JSON. Long
runs of unchanged lines are folded, keeping CONTEXT lines around each change.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from markupsafe import Markup, escape

CONTEXT = 3
# Below this similarity two lines are shown as one removed and one added, not as an edit.
PAIRING_RATIO = 0.4
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

EQUAL, DELETE, INSERT = "equal", "delete", "insert"


@dataclass
class DiffLine:
    """One row: `kind` is equal, delete, insert or change (a line edited in place).

    `old` and `new` are lists of (op, text) segments, op being equal, delete or insert.
    """

    kind: str
    old_number: int | None
    new_number: int | None
    old: list[tuple[str, str]] = field(default_factory=list)
    new: list[tuple[str, str]] = field(default_factory=list)

    @property
    def old_html(self) -> Markup:
        return _segments_html(self.old, "del")

    @property
    def new_html(self) -> Markup:
        return _segments_html(self.new, "ins")


@dataclass
class Hunk:
    lines: list[DiffLine]
    skipped_before: int = 0


@dataclass
class TextDiff:
    hunks: list[Hunk]
    added: int
    removed: int
    skipped_after: int = 0

    @property
    def identical(self) -> bool:
        return not self.added and not self.removed


def _segments_html(segments: list[tuple[str, str]], tag: str) -> Markup:
    parts = []
    for op, text in segments:
        if op == EQUAL:
            parts.append(escape(text))
        else:
            parts.append(Markup(f"<{tag}>") + escape(text) + Markup(f"</{tag}>"))
    return Markup("").join(parts)


def _word_diff(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_segments: list[tuple[str, str]] = []
    new_segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old_segments.append((EQUAL, "".join(old_tokens[i1:i2])))
            new_segments.append((EQUAL, "".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_segments.append((DELETE, "".join(old_tokens[i1:i2])))
        if j2 > j1:
            new_segments.append((INSERT, "".join(new_tokens[j1:j2])))
    return old_segments, new_segments


def _replaced(old_lines: list[str], new_lines: list[str], i1: int, i2: int, j1: int, j2: int) -> list[DiffLine]:
    """Rows for a block of lines replaced by another: similar lines pair up as edits, the
    others show as removed lines followed by added ones, as readers of a diff expect."""
    rows: list[DiffLine] = []
    removed: list[DiffLine] = []
    inserted: list[DiffLine] = []
    for offset in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + offset, j1 + offset
        old = old_lines[i] if i < i2 else None
        new = new_lines[j] if j < j2 else None
        if old is not None and new is not None and SequenceMatcher(None, old, new).quick_ratio() >= PAIRING_RATIO:
            rows += removed + inserted
            removed, inserted = [], []
            old_segments, new_segments = _word_diff(old, new)
            rows.append(DiffLine("change", i + 1, j + 1, old_segments, new_segments))
            continue
        if old is not None:
            removed.append(DiffLine(DELETE, i + 1, None, [(DELETE, old)]))
        if new is not None:
            inserted.append(DiffLine(INSERT, None, j + 1, new=[(INSERT, new)]))
    return rows + removed + inserted


def diff_texts(old: str, new: str, context: int = CONTEXT) -> TextDiff:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows: list[DiffLine] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(
                DiffLine(EQUAL, i1 + k + 1, j1 + k + 1, [(EQUAL, old_lines[i1 + k])], [(EQUAL, new_lines[j1 + k])])
                for k in range(i2 - i1)
            )
            continue
        removed += i2 - i1
        added += j2 - j1
        rows.extend(_replaced(old_lines, new_lines, i1, i2, j1, j2))
    return _fold(rows, added, removed, context)


def _fold(rows: list[DiffLine], added: int, removed: int, context: int) -> TextDiff:
    changed = [index for index, row in enumerate(rows) if row.kind != EQUAL]
    if not changed:
        return TextDiff(hunks=[], added=0, removed=0, skipped_after=len(rows))
    keep = set()
    for index in changed:
        keep.update(range(max(0, index - context), min(len(rows), index + context + 1)))
    hunks: list[Hunk] = []
    skipped = 0
    current: Hunk | None = None
    for index, row in enumerate(rows):
        if index not in keep:
            skipped += 1
            current = None
            continue
        if current is None:
            current = Hunk(lines=[], skipped_before=skipped)
            hunks.append(current)
            skipped = 0
        current.lines.append(row)
    return TextDiff(hunks=hunks, added=added, removed=removed, skipped_after=skipped)
