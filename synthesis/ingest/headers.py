"""Headers written on several rows, as survey tools export them, read as one row of column names.

Two layouts are recognised, by their shape rather than by their words (the tools translate them):

- **a question row over an answer row** (SurveyMonkey): the first row names the participant's columns
  (``Respondent ID``, ``Start Date``…) and each question once, over its first column, the other columns of a
  multi-column question left blank; the second row is blank under the participant's columns and names each
  question column (``Response``, ``Open-Ended Response``, or the option of a multiple choice). The second row
  is recognised as a header when it is blank under the first column (which every response fills: the
  respondent's id) and names every column the first row leaves blank. A question of one column is named by
  its question (its second-row label, "Response", says nothing more); each column of a multi-column question
  is named ``<question> [<option>]``, as LimeSurvey names a subquestion's column.
- **a title row, a group row and a name row** (Drupal's Webform, as Framaforms exports it: the form's title
  alone in the first cell, then "Submission Details" over the submission's columns and each multiple choice's
  name over its options, then every column's name): the first row is recognised by its single cell, the
  first one, when the third row names every column; the columns are named by the third row (the second row
  does not say where a multiple choice's options end: the column after them is as blank there).

Either way the rows read as header are not data: the first data row keeps its own line number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import TypeVar

Row = TypeVar("Row")

#: Most header rows a file may stack (Webform's three).
MAX_HEADER_ROWS = 3


def stacked_header(rows: Sequence[Sequence[str]]) -> tuple[list[str], int]:
    """Column names from the first rows of a file, and how many rows the header takes (1 to 3).

    ``rows`` holds the file's first rows (up to :data:`MAX_HEADER_ROWS`), each a list of cells; a header of
    one row is returned as it is, stripped of spaces."""
    first = [c.strip() for c in rows[0]]
    if len(rows) >= 3 and _titled(first, rows[1], rows[2]):
        return _padded([c.strip() for c in rows[2]], len(first)), 3
    if len(rows) >= 2 and _answer_row(first, [c.strip() for c in rows[1]]):
        return _padded(_questions(first, [c.strip() for c in rows[1]]), len(first)), 2
    return first, 1


def _padded(names: list[str], width: int) -> list[str]:
    """``names`` with blank names added up to ``width`` (the first row's cells: the rows' width)."""
    return names + [""] * (width - len(names))


def peek(records: Iterator[tuple[int, Row]]) -> tuple[list[Row], Iterator[tuple[int, Row]]]:
    """The first :data:`MAX_HEADER_ROWS` records' rows, and an iterator over all the records again."""
    head = list(islice(records, MAX_HEADER_ROWS))
    return [row for _, row in head], chain(head, records)


def _width(row: Sequence[str]) -> int:
    """The number of cells up to the last one written."""
    n = len(row)
    while n and not row[n - 1].strip():
        n -= 1
    return n


def _titled(first: list[str], second: Sequence[str], third: Sequence[str]) -> bool:
    """Whether ``first`` is a title row: one cell written, the first, over a group row leaving columns blank
    and a name row naming every column. A second row naming every column is no group row: a title over a
    header, then data, whose first row named the columns and the header was read as a group row."""
    width = _width(third)
    return (
        width > 2
        and _width(first) == 1
        and all(c.strip() for c in third[:width])
        and not all(i < len(second) and second[i].strip() for i in range(width))
    )


def _answer_row(first: list[str], second: list[str]) -> bool:
    """Whether ``second`` names the answer columns of a question row ``first`` (see the module's docstring)."""
    width = _width(first)
    blanks = [i for i in range(1, max(width, _width(second))) if i >= len(first) or not first[i]]
    if not first or not first[0] or not blanks or (second and second[0]):
        return False
    return all(i < len(second) and second[i] for i in blanks)


def _questions(first: list[str], second: list[str]) -> list[str]:
    width = max(_width(first), _width(second))
    upper = [first[i] if i < len(first) else "" for i in range(width)]
    lower = [second[i] if i < len(second) else "" for i in range(width)]
    starts = [i for i in range(width) if upper[i]]
    names: list[str] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else width
        if end - start == 1:
            names.append(upper[start])
        else:
            names.extend(
                f"{upper[start]} [{lower[i]}]" if lower[i] else upper[start] for i in range(start, end)
            )
    return names
