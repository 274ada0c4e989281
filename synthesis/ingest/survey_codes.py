"""A LimeSurvey response export headed by the questions' codes ("Q1", "G01Q03", "Q2[SQ001]", "Q3[other]").

LimeSurvey's default heading is the question's code (application/helpers/admin/export/Writer.php, ``write``:
``headingFormat`` "code"), built by ``viewHelper::getFieldCode`` (application/helpers/viewHelper.php): the
question's code, then each subquestion's or answer's code in brackets ("Q2[SQ001]"; "Q3[other]" for the free
"other" answer of a choice, "Q4[comment]" and "Q5[SQ001comment]" for the comments of a list or a multiple
choice); its own columns keep their field names ("id", "submitdate", "lastpage", "startlanguage", "seed",
"token", "startdate", "datestamp", "ipaddr", "refurl"), and so do the participant's attributes when the survey
is not anonymous ("firstname", "lastname", "email", "attribute_1"…). Nothing in a code says what it asks, so
such a header is recognised by LimeSurvey's own columns, and every question's column is suggested as a
question but for the subquestions' (a multiple choice's options, an array's rows: choices, not words).
"""

from __future__ import annotations

import re

#: LimeSurvey's own columns, by their field names (compared in lower case)
LIMESURVEY_FIELDS = frozenset(
    "id token submitdate lastpage startlanguage seed startdate datestamp ipaddr refurl interviewtime "
    "firstname lastname email emailstatus language usesleft validfrom validuntil".split()
)
#: Those that tell a LimeSurvey export, all of them present
_SIGNATURE = frozenset({"submitdate", "lastpage", "startlanguage"})
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\[(?P<part>[A-Za-z0-9_]+)\])*$")
_ATTRIBUTE = re.compile(r"^attribute_\d+$", re.IGNORECASE)


def coded_questions(columns: list[str]) -> list[str]:
    """The question columns of a LimeSurvey export headed by codes, in order, or [] for another header.

    A subquestion's column is left out but for the free text beside a choice: ``[other]``, ``[comment]``,
    ``[<subquestion>comment]``. Headed by "code and text" (``headingFormat`` "codetext": the code, the
    separator, ". " by default, then the text: "G01Q03. Vos idées", "submitdate. Date submitted"), each
    column is told by its code alike."""
    codes = [_code_of(c) for c in columns]
    if not _SIGNATURE <= {c.lower() for c in codes}:
        return []
    found = []
    for column, code in zip(columns, codes, strict=True):
        match = _CODE.match(code)
        if match is None or code.lower() in LIMESURVEY_FIELDS or _ATTRIBUTE.match(code):
            continue
        part = (match["part"] or "").lower()
        if not part or part == "other" or part.endswith("comment"):
            found.append(column)
    return found


def _code_of(column: str) -> str:
    """A column's code: the header itself, or what comes before the first ". " of a "code and text" one."""
    code, separator, _ = column.strip().partition(". ")
    return code if separator and _CODE.match(code) else column.strip()
