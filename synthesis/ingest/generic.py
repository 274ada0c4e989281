"""Generic exports (CSV, XLSX, JSON, JSON Lines) read through an explicit :class:`ColumnMapping`.

One contribution per row, even when its text is blank (the preparation step excludes it with a reason).
Without a mapping, the suggested one (:func:`suggest_mapping`) is used when it finds a text column by name
(or by a name after a prefix, as Cap Collectif's "proposal_body"),
and recorded in ``extras["mapping"]``; otherwise a :class:`MappingError` lists the columns. ``source_id`` is
the mapped id column, or ``ligne-<n>`` (the row's line, or its record number in a JSON array wrapped in an
object or written on one line: see :mod:`.tabular`), distinct for every row. Without a question column every
row answers one question, ``question_id = "1"``, with ``question_text`` from the caller (else the file
name).

A **questionnaire export** (Google Forms, Microsoft Forms, LimeSurvey, Framaforms, a Decidim survey: one row per
participant, one column per question, the header asking it) is read through ``ColumnMapping.answers``: each
non-blank cell is one contribution, ``question_id`` the column's rank among the answers' columns (from 1),
``question_text`` its header (:func:`question_shown`), ``contribution_id`` ``<source_id>-q<rank>``; a row
without any answer is rejected with its line, as in a Grand Débat export, its reason saying that the answers'
columns read are empty. The suggested mapping takes the columns whose header asks something (:func:`asks`)
as the answers' columns, leaving out those about the participant (name, e-mail, phone: the
e-mail becomes the pseudonymised author) and reading a "where do you live" question as the place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from schemas.settings import ColumnMapping
from synthesis.errors import MappingError
from synthesis.records import Contribution, RejectedRow
from synthesis.territory import lost_zero
from synthesis.territory_tables import countries, fold_name

from .base import RowOutcome, RowSource
from .common import NO_ANSWERS_READ_REASON, NO_ANSWERS_READ_REASON_EN, author_type, fit_width, fold
from .privacy import author_ref
from .survey_codes import coded_questions

DEFAULT_QUESTION_ID = "1"

CellOf = Callable[[str | None], str | None]  # a row's cell by column name (None: no column mapped); not
# common.Getter, which the platform readers call with their own column names

# Column names (folded) that suggest each mapped field, best first.
_HINTS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "texte",
        "contribution",
        "comment",
        "commentaire",
        "body",
        "comment-body",
        "reponse",
        "answer",
        "contenu",
        "content",
        "message",
        "avis",
        "description",
        "proposition",
        "opinion",
    ),
    "id": (
        "id",
        "reference",
        "identifiant",
        "comment-id",
        "contribution_id",
        "uuid",
        "numero",
        "id de la reponse",
        "id de reponse",
        "response id",
        "numero de soumission",
        "submission id",
        "respondent id",  # SurveyMonkey
        "#",  # Typeform: the response's token (its "Network ID" is the network's, shared by several)
        "sid",  # Drupal's Webform (Framaforms): the submission's id, its "Serial" counting the form's
        "_id",  # KoboToolbox
    ),
    "author": (
        "author",
        "auteur",
        "author_id",
        "author-id",
        "authorid",
        "author/id",
        "participant",
        "user_id",
        "user",
        "email",
        "adresse e-mail",
        "adresse email",
        "adresse mail",
        "adresse de messagerie",
        "adresse electronique",
        "courriel",
        "e-mail",
        "email address",
        "username",  # Drupal's Webform (Framaforms): the account's name, blank when anonymous
    ),
    "author_type": ("author_type", "authortype", "type_auteur", "type d'auteur", "profil", "type"),
    "postcode": (
        "postcode",
        "code_postal",
        "code postal",
        "cp",
        "zipcode",
        "zip",
        "authorzipcode",
        "zip_code",
        "code_insee",
        "code insee",
        "insee",
        "code_commune",
        "code commune",
        "codgeo",
        "commune",
        "ville",
    ),
    "date": (
        "date",
        "created_at",
        "createdat",
        "date_creation",
        "datetime",
        "timestamp",
        "created",
        "created at",
        "horodateur",  # Google Forms in French
        "horodatage",
        "date de soumission",
        "date d'envoi",
        "submitted at",
        "submit date",
        "heure de fin",  # Microsoft Forms: when the answers were sent
        "completion time",
        "date de creation",
        # the submission's date, where a tool also writes when it started (a suffix "date" would take that):
        "end date",  # SurveyMonkey ("Start Date" is when the participant opened the survey)
        "submit date (utc)",  # Typeform
        "submitdate",  # LimeSurvey, headed by question codes
        "date submitted",  # LimeSurvey, headed by question texts (in English)
        "submitted time",  # Drupal's Webform (Framaforms)
        "_submission_time",  # KoboToolbox
        "repondu le",  # Decidim's survey answers (in French)
    ),
    "question": ("question", "question_id", "theme", "thème", "sujet", "topic"),
    "channel": ("channel", "canal", "source", "origine"),
}


def suggest_mapping(columns: list[str]) -> ColumnMapping | None:
    """A mapping guessed from column names, or None when no column looks like the text.

    Columns whose header asks something (:func:`asks`) make a questionnaire mapping (``answers``) when there
    are two or more of them, or one and no column named as a text; a column named as a text ("commentaire")
    is then one more question. A LimeSurvey export headed by the questions' codes, where no header asks,
    has its question columns taken so (:func:`.survey_codes.coded_questions`). A file with a question column
    (one question named per row) keeps one text per row."""
    folded = {fold(c): c for c in reversed(columns)}
    chosen: dict[str, str] = {}
    for name, hints in _HINTS.items():
        for hint in hints:
            col = folded.get(fold(hint))
            if col is not None and col not in chosen.values():
                chosen[name] = col
                break
    for name, hints in _HINTS.items():  # then a hint after a prefix: "proposal_body", "proposal_author_id"
        if name not in chosen:
            found = (
                c
                for h in hints
                if h not in _NAMES_ONLY
                for c in columns
                if c not in chosen.values() and _ends_with(c, h)
            )
            if (col := next(found, None)) is not None:
                chosen[name] = col
    asked = [c for c in columns if c not in chosen.values() and asks(c) and not _option_column(c, columns)]
    if coded := set(
        coded_questions(columns)
    ):  # LimeSurvey headed by the questions' codes: its own columns tell it
        asked = [c for c in columns if c not in chosen.values() and (c in asked or c in coded)]
    if asked and "question" not in chosen and (len(asked) > 1 or "text" not in chosen):
        text = chosen.pop("text", None)
        if "postcode" not in chosen and (place := next((c for c in asked if _asks_place(c)), None)):
            chosen["postcode"] = place
        answers = list(
            dict.fromkeys(c for c in columns if (c in asked and c != chosen.get("postcode")) or c == text)
        )
        return ColumnMapping(answers=answers, **chosen) if answers else None
    if "text" not in chosen:
        return None
    return ColumnMapping(**chosen)


def _option_column(column: str, columns: list[str]) -> bool:
    """Whether ``column`` is one option of another column's multiple choice, named ``<question>/<option>``
    beside the ``<question>`` column that sums them up, as KoboToolbox exports a "select_multiple" (1 or 0 in
    each option's column): its cells are ticks, no one's words. A group's question ("group/question") has no
    column of its group's name."""
    head, slash, _ = column.rpartition("/")
    return bool(slash and head.strip()) and head in columns


#: Hints taken as a whole column name only: after a prefix they name something else than the participant's
#: kind (Typeform's "Response Type": completed or partial).
_NAMES_ONLY = frozenset({"type"})


def _ends_with(column: str, hint: str) -> bool:
    """Whether a column's name is ``hint`` after a prefix and a separator ("proposal_body": "body")."""
    name, hint = fold(column), fold(hint)
    return len(name) > len(hint) and name.endswith(hint) and name[-len(hint) - 1] in "_/.:- "


_NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):°-]", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
# Words of a short header about the participant rather than the consultation's subject (folded)
_ABOUT_PARTICIPANT = frozenset(
    "nom noms prenom prenoms name surname telephone phone portable mobile mail email courriel adresse "
    "address signature".split()
)
_PLACE_WORDS = frozenset("postal insee".split())
_LIVING_WORDS = frozenset("habitez residez vivez domicile live".split())
_TOWN_WORDS = frozenset("commune ville quartier town city".split())


_SUBCOLUMN = re.compile(r"^(?P<question>.*\S)\s*\[(?P<part>[^\[\]]*)\]\s*$")
# Words (folded) of a subcolumn that holds free text beside a choice: "[Autre]", "[Other (please specify)]",
# LimeSurvey's "[Commentaire]" / "[comment]"
_FREE_TEXT_PARTS = frozenset(
    "other others autre autres comment comments commentaire commentaires precisez preciser specify".split()
)


def asks(header: str) -> bool:
    """Whether a column header reads as a question put to participants: it ends with "?" ("Quelles sont vos
    priorités ?"), is numbered ("3. Vos propositions", "Q3 - ..."), or is a sentence (six words or more).
    Short headers about the participant ("Quel est votre nom ?", "Votre adresse e-mail") are not.

    A question's subcolumn, ``<question> [<part>]`` (LimeSurvey's subquestions, SurveyMonkey's and Webform's
    options, see :mod:`.headers`), asks only when its part is the free text beside the choices ("[Autre]",
    "[Other (please specify)]", "[Commentaire]") and its question asks: the other parts are the options of a
    choice (ticked or not) or the rows of a grid, whose answers are no one's words."""
    text = header.strip()
    if (sub := _SUBCOLUMN.match(text)) is not None:
        part = {fold(w) for w in _LETTERS.findall(sub["part"])}
        return bool(part & _FREE_TEXT_PARTS) and asks(sub["question"])
    words = [fold(w) for w in _LETTERS.findall(text)]
    if len(words) <= 5 and _ABOUT_PARTICIPANT & set(words):
        return False
    if text.endswith("?") or _NUMBERED.match(text):
        return len(words) >= 1  # "Pourquoi ?", "2. Commentaires"
    return len(words) >= 6


def _asks_place(header: str) -> bool:
    """Whether a question asks where the participant lives ("Quel est votre code postal ?", "Dans quelle
    commune habitez-vous ?"): its answers are a place, not an opinion."""
    words = {fold(w) for w in _LETTERS.findall(header)}
    if len(words) > 10:
        return False
    return bool(_PLACE_WORDS & words and "code" in words) or bool(
        _LIVING_WORDS & words and _TOWN_WORDS & words
    )


def resolve_mapping(
    columns: list[str], mapping: ColumnMapping | None, extras: dict[str, Any]
) -> ColumnMapping:
    """The mapping to use, checked against the header (a missing column names itself and lists the others)."""
    if mapping is None:
        mapping = suggest_mapping(columns)
        if mapping is None:
            raise MappingError(
                "Aucune colonne de texte désignée ni reconnue. Indiquez-la (--text-column), ou, pour un "
                "questionnaire (une colonne par question), chaque colonne de réponses (--answers-column, une fois "
                "par question). Colonnes disponibles : " + listing(columns),
                "No text column given nor recognised. Name it (--text-column), or, for a questionnaire (one "
                "column per question), each column of answers (--answers-column, once per question). Available "
                "columns: " + listing(columns, "en"),
                column=None,
                available=columns,
            )
        extras["mapping_suggested"] = True
    for field_name, col in mapping.columns():
        if col not in columns:
            raise MappingError(
                f"La colonne « {col} » ({field_name}) est absente du fichier. Colonnes disponibles : "
                + listing(columns),
                f"Column '{col}' ({field_name}) is not in the file. Available columns: "
                + listing(columns, "en"),
                value=col,
                column=col,
                available=columns,
            )
        if field_name in ("text", "answers") and columns.count(col) > 1:  # which one holds the texts?
            raise MappingError(
                f"La colonne « {col} » ({field_name}) apparaît {columns.count(col)} fois dans l'en-tête : une "
                f"seule serait lue. Renommez chacune (par exemple « {col} (2) ») et importez de nouveau le fichier.",
                f"Column '{col}' ({field_name}) appears {columns.count(col)} times in the header: only one would be "
                f"read. Rename each (for instance '{col} (2)') and import the file again.",
                value=col,
                column=col,
                available=columns,
            )
    extras["mapping"] = mapping.model_dump()
    return mapping


def listing(columns: list[str], lang: str = "fr") -> str:
    """Column names for a message: « a », « b »… in French, 'a', 'b'… in English (the first 40, then how many
    more)."""
    if not columns:
        return "(aucune)" if lang == "fr" else "(none)"
    quote = "« {} »" if lang == "fr" else "'{}'"
    shown = ", ".join(quote.format(c) for c in columns[:40])
    return shown + (f" … (+{len(columns) - 40})" if len(columns) > 40 else "")


def missing_text_column(
    file_name: str, export: tuple[str, str], column: str, columns: list[str]
) -> MappingError:
    """The error of a platform export without the column its texts are read from.

    ``export`` names the export in French (with its article: « l'export Decidim de commentaires ») and in
    English; the message lists the columns found and says how to import the file anyway (as a generic file,
    naming its text column).
    """
    return MappingError(
        f"La colonne de texte « {column} » est absente de {export[0]} « {file_name} » : ses textes seraient "
        f"tous vides. Colonnes trouvées : {listing(columns)}. Si les textes sont dans une autre colonne, "
        "importez le fichier au format générique en la désignant (--format csv --text-column <colonne>).",
        f"The text column '{column}' is missing from the {export[1]} '{file_name}': every text would be "
        f"empty. Columns found: {listing(columns, 'en')}. If the texts are in another column, import the file "
        "as a generic one naming it (--format csv --text-column <column>).",
        value=column,
        column=column,
        available=columns,
    )


def rows(source: RowSource) -> Iterator[RowOutcome]:
    """CSV records through the mapping: one contribution per row, or per answer of a questionnaire."""
    mapping = resolve_mapping(source.columns, source.mapping, source.extras)
    index = {col: source.index(col) for _, col in mapping.columns()}
    if (country := country_column(source.columns, mapping.postcode)) is not None:  # read beside the postcode
        index[country] = source.index(country)
    width = len(source.columns)
    make = _maker(source, mapping)
    for line, raw in source.records:
        fields = fit_width(line, raw, width)
        if isinstance(fields, RejectedRow):
            yield fields
            continue
        yield make(line, _list_getter(fields, index))


def record_rows(
    source: RowSource, records: Iterator[tuple[int, dict[str, Any] | RejectedRow]]
) -> Iterator[RowOutcome]:
    """Rows of JSON / JSONL / XLSX given as dicts (or rejections) through the mapping."""
    mapping = resolve_mapping(source.columns, source.mapping, source.extras)
    make = _maker(source, mapping)
    for line, record in records:
        if isinstance(record, RejectedRow):
            yield record
            continue
        yield make(line, _dict_getter(record))


def _list_getter(fields: list[str], index: dict[str, int | None]) -> CellOf:
    def get(column: str | None) -> str | None:
        i = index.get(column) if column is not None else None
        return fields[i] if i is not None else None

    return get


def _dict_getter(record: dict[str, Any]) -> CellOf:
    def get(column: str | None) -> str | None:
        return cell(record.get(column)) if column else None

    return get


def cell(value: Any) -> str:
    """A JSON / workbook value as text: None is blank, integral floats lose their ``.0``, dates are ISO,
    a list of plain values is joined with ", " (the choices of a multiple choice, as Decidim's CSV exporter
    and Google Forms join them, so that its options are counted alike from the JSON and the CSV export),
    other lists and objects are JSON, lone surrogates become U+FFFD (:func:`scrub`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict | list):
        import json

        return scrub(json.dumps(value, ensure_ascii=False))
    return scrub(str(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """``text`` with its lone UTF-16 surrogates (a JSON escape such as ``"\\udc80"`` decodes to one) replaced
    by U+FFFD, the replacement character: no encoder accepts them, so they would break every later step.
    ``text`` itself is returned when it has none."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


_DIGITS = re.compile(r"^\d{4,5}$")
_INSEE = re.compile(r"^(?:\d{4,5}|2[AB]\d{3})$", re.IGNORECASE)


# Headers of a column naming the participant's country, beside their postcode's
_COUNTRY_HEADERS = frozenset(
    {
        "pays",
        "country",
        "pays de residence",
        "country of residence",
        "pays de domicile",
        "pays de residence actuel",
    }
)


def country_column(columns: list[str], postcode: str | None) -> str | None:
    """The column naming the participant's country ("Pays", "Country"), when a postcode column is read: a
    foreign country there makes the participant abroad, whatever their postcode reads in France ("1000" of
    Brussels is no lost zero of the Ain's 01000)."""
    if postcode is None:
        return None
    return next((c for c in columns if c != postcode and fold(c) in _COUNTRY_HEADERS), None)


def insee_column(name: str | None) -> bool:
    """Whether a participant's place column holds INSEE commune codes by its name ("code INSEE", "code_commune",
    "CODGEO", "depcom"), not postcodes: five digits read in it as a postcode would locate another commune."""
    folded = re.sub(r"[^a-z]+", " ", fold(name or "")).split()
    return bool({"insee", "codgeo", "depcom", "cog"} & set(folded)) or folded[:2] == ["code", "commune"]


_QUESTION_TEXT_UNUSED = {
    "code": "question_text_unused",
    "message_fr": "Le texte de question donné n'est pas repris : dans un questionnaire, l'en-tête de chaque colonne "
    "de réponses pose sa question.",
    "message_en": "The question text given is not used: in a questionnaire, the header of each column of answers "
    "asks its question.",
}


def answered(mapping: ColumnMapping | None) -> list[tuple[str, str, str]]:
    """A questionnaire mapping's questions, ``(question id, column, question text)``: the id is the column's
    rank among the answers' columns (from 1), the text its header as :func:`question_shown` shows it."""
    answers = mapping.answers if mapping is not None else None
    return [(str(rank), col, question_shown(col)) for rank, col in enumerate(answers or (), 1)]


# A form's own numbering before a question: "2. ", "Q3 - ", "3) ", "Question 4 : " (at most three digits, then
# a point, a bracket, a colon, a degree sign or a dash, then a space), as Microsoft Forms and Decidim's surveys
# write their columns, and LimeSurvey's numbered codes before their text ("G01Q04. ", "Q2[other]. ")
_NUMBERING = re.compile(
    r"^(?:(?:g\d{1,3})?q\d{1,3}(?:\[\w+\])+\.|g\d{1,3}q\d{1,3}\.|(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):°-])\s+(?=\S)",
    re.IGNORECASE,
)


def question_shown(header: str) -> str:
    """The question a questionnaire's column header asks, as the report shows it: the header with its spaces
    collapsed and without the form's numbering ("2. Vos idées" asks "Vos idées"), which says where the
    question stood, not what it asks; a header that is only a number keeps it. Each answer keeps its column's
    header as written in ``extra["column"]`` where they differ."""
    text = " ".join(header.split())
    rest = _NUMBERING.sub("", text, count=1)
    return rest if _LETTERS.search(rest) else text


def _maker(source: RowSource, mapping: ColumnMapping) -> Callable[[int, CellOf], RowOutcome]:
    """The builder of one row's outcome: its contribution, or its answers (a questionnaire)."""
    question_text = source.question_text or source.path.stem
    insee = insee_column(mapping.postcode)
    country = country_column(source.columns, mapping.postcode)
    answers = answered(mapping)
    if answers:
        source.extras["questions"] = [{"question_id": q, "question_text": t} for q, _, t in answers]
        if source.question_text:
            source.extras.setdefault("warnings", []).append(_QUESTION_TEXT_UNUSED)

    def common(line: int, get: CellOf) -> dict[str, Any]:
        source_id = (get(mapping.id) or "").strip() or f"ligne-{line}"
        postcode = (get(mapping.postcode) or "").strip()
        abroad = (get(country) or "").strip() if country else ""
        if abroad and fold_name(abroad) in countries():  # "Belgique": the country says where, not "1000"
            postcode = f"PAYS {abroad}"  # as "INSEE 13100": "Suisse" there is no Moselle commune
        elif insee and _INSEE.match(postcode):  # "13100" there is Saint-Rémy-de-Provence, not Aix's postcode
            postcode = f"INSEE {postcode.zfill(5)}"
        elif len(postcode) == 4 and _DIGITS.match(postcode) and lost_zero(postcode):  # "1000" for 01000
            postcode = "0" + postcode
        return {
            "source_id": source_id,
            "line": line,
            "author_ref": author_ref(get(mapping.author), source.secret),
            "author_type": author_type(get(mapping.author_type)),
            "zipcode": postcode or None,
            "created_at": (get(mapping.date) or "").strip() or None,
            "channel": (get(mapping.channel) or "").strip() or None,
        }

    def make(line: int, get: CellOf) -> RowOutcome:
        if answers:
            given = [(q, col, t, text) for q, col, t in answers if (text := get(col) or "").strip()]
            if not given:
                return RejectedRow(line, NO_ANSWERS_READ_REASON, NO_ANSWERS_READ_REASON_EN)
            fields = common(line, get)
            return [
                Contribution(
                    contribution_id=f"{fields['source_id']}-q{q}",
                    question_id=q,
                    question_text=t,
                    text=text,
                    extra={"column": col} if col != t else {},
                    **fields,
                )
                for q, col, t, text in given
            ]
        fields = common(line, get)
        question = (get(mapping.question) or "").strip()
        return [
            Contribution(
                contribution_id=fields["source_id"],
                question_id=question or DEFAULT_QUESTION_ID,
                question_text=question or question_text,
                text=get(mapping.text) or "",
                **fields,
            )
        ]

    return make
