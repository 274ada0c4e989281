"""Shared loaders of the labelled sets and cached embeddings for the benchmarks (quality, embedders, speed).

Every set is a :class:`LabelledSet`: texts (one per item, in a fixed order), a ground-truth label per item,
and the question text that an import would carry. Large sets are subsampled deterministically (a seeded
permutation, never "the first N rows"), so every benchmark sees the same items on every machine.
Non-answers and empty texts (``synthesis.prepare.exclusion_reason``, given each text's question as the product
is) are removed from every set, for every method alike: they are exclusions, not themes, and no human tag
describes them.
"""

from __future__ import annotations

import argparse
import csv
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "BENCHMARKS.md"
if str(ROOT) not in sys.path:  # run as ``python bench/x.py`` from the repository root
    sys.path.insert(0, str(ROOT))

from bench.measure import write_section  # noqa: E402,F401 (re-exported for the benches)
from synthesis import prepare  # noqa: E402
from synthesis.embed import SQLiteCache, embed_unique, get_embedder  # noqa: E402
from synthesis.ingest import iter_file  # noqa: E402
from synthesis.records import Contribution  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "out"
SAMPLE_SEED = 0
GD_PER_QUESTION = 1000  # Grand Débat: 9 questions x 1,000 answers (of ~8.9k each) keep the bench under 15 min

GD_QUESTIONS = {
    "gd_animation_democratie_11.csv": (
        "En qui faites-vous le plus confiance pour vous faire représenter dans la société et pourquoi ?"
    ),
    "gd_animation_democratie_43.csv": (
        "Que pensez-vous de la situation de l'immigration en France aujourd'hui et de la "
        "politique migratoire ?"
    ),
    "gd_animation_fiscalite_13.csv": ("Quels sont selon vous les impôts qu'il faut baisser en priorité ?"),
    "gd_animation_fiscalite_17.csv": (
        "Pour quelle(s) politique(s) publique(s) ou pour quelle(s) mission(s) de l'État "
        "seriez-vous prêts à payer plus d'impôts ?"
    ),
    "gd_animation_organisation_15.csv": (
        "Si non, quels types de services publics vous manquent dans votre territoire et "
        "qu'il est nécessaire de renforcer ?"
    ),
    "gd_animation_organisation_32.csv": (
        "Si vous avez été amené à scolariser votre enfant, quels sont vos motifs de "
        "satisfaction et/ou les difficultés ?"
    ),
    "gd_animation_transition_14.csv": (
        "Si oui, de quelle manière votre vie quotidienne est-elle touchée par le changement climatique ?"
    ),
    "gd_animation_transition_25.csv": (
        "Que pourrait faire la France pour faire partager ses choix en matière "
        "d'environnement au niveau européen et international ?"
    ),
    "grand_debat_comments.csv": ("Règles de l'administration jugées inutiles ou trop complexes"),
}


@dataclass
class LabelledSet:
    """One benchmark set: n texts, n ground-truth labels, the question asked."""

    name: str
    texts: list[str]
    labels: np.ndarray
    question_text: str
    note: str = ""

    @property
    def n_labels(self) -> int:
        return len(set(self.labels.tolist()))


def _usable(
    texts: list[str], labels: list[str], questions: list[str] | None = None
) -> tuple[list[str], np.ndarray]:
    """The texts that are not non-answers to their question (``questions``, one per text: "Aucune" answers a
    question asking which ones), normalised, and their labels."""
    none_is_answer = [prepare.answered_by_none(q) for q in questions] if questions else [False] * len(texts)
    keep = [
        i
        for i, t in enumerate(texts)
        if prepare.exclusion_reason(t, none_is_answer=none_is_answer[i]) is None
    ]
    return [prepare.normalise_text(texts[i]) for i in keep], np.asarray([labels[i] for i in keep])


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def republique_numerique(label: str) -> LabelledSet:
    """The 3,994 for/against arguments; ``label`` is ``section_subtitle`` (18) or ``opinion_id`` (522)."""
    rows = [
        r for r in _read_csv(DATA / "republique-numerique" / "arguments.csv") if r["is_trashed"] != "True"
    ]
    texts, labels = _usable([r["body"] for r in rows], [r[label] for r in rows])
    return LabelledSet(
        f"rn-arguments/{label}",
        texts,
        labels,
        "Projet de loi pour une République numérique : arguments",
        note="all arguments",
    )


def republique_numerique_proposals() -> LabelledSet:
    """The 692 proposals (the bill's articles and the participants' own, title + body); label = the bill section
    (``section_subtitle``, 18)."""
    rows = [r for r in _read_csv(DATA / "republique-numerique" / "opinions.csv") if r["is_trashed"] != "True"]
    texts = [f"{r['title'].strip()}. {r['body_text'].strip()}" for r in rows]
    t, y = _usable(texts, [r["section_subtitle"] for r in rows])
    return LabelledSet(
        "rn-proposals/section_subtitle",
        t,
        y,
        "Projet de loi pour une République numérique : propositions",
        note="all proposals, title and body",
    )


def grand_debat_mixed(per_question: int = GD_PER_QUESTION, seed: int = SAMPLE_SEED) -> LabelledSet:
    """``per_question`` answers drawn (seeded) from each of the 9 Grand Débat questions; label = question.

    The draw is over all rows, before non-answers are removed, so the sample does not move when the list of
    non-answers grows.
    """
    texts: list[str] = []
    labels: list[str] = []
    for name in sorted(GD_QUESTIONS):
        answers = [r["comment"] for r in _read_csv(DATA / "granddebat" / name)]
        rng = np.random.default_rng(seed)
        pick = np.sort(rng.permutation(len(answers))[:per_question])
        texts += [answers[i] for i in pick]
        labels += [name.removesuffix(".csv")] * len(pick)
    t, y = _usable(texts, labels, [GD_QUESTIONS[f"{name}.csv"] for name in labels])
    return LabelledSet(
        "gd-mixed/question",
        t,
        y,
        "Grand Débat national",
        note=f"{per_question} answers per question, seed {seed}",
    )


def grand_debat_per_question(per_question: int, seed: int = SAMPLE_SEED) -> list[LabelledSet]:
    """The draw of :func:`grand_debat_mixed`, one set per question (labels: the question, a single value)."""
    gd = grand_debat_mixed(per_question=per_question, seed=seed)
    return [
        LabelledSet(f"granddebat/{q}", [gd.texts[i] for i in idx], gd.labels[idx], "")
        for q in sorted(set(gd.labels.tolist()))
        for idx in [np.flatnonzero(gd.labels == q)]
    ]


def grand_debat_question(name: str = "gd_animation_fiscalite_13.csv") -> tuple[list[str], str]:
    """All answers of one Grand Débat question (unlabelled: for speed and label checks)."""
    return [r["comment"] for r in _read_csv(DATA / "granddebat" / name)], GD_QUESTIONS[name]


def decidim_proposals() -> LabelledSet:
    """Decidim free proposals (Lille, Nancy) with a category (title + body); label = ``category/name/fr``."""
    rows = _read_csv(DATA / "decidim-mel-nancy" / "propositions-libres.csv", delimiter=";")
    rows = [r for r in rows if r["category/name/fr"].strip()]
    texts = [f"{r['title'].strip()}. {r['body'].strip()}" for r in rows]
    t, y = _usable(texts, [r["category/name/fr"] for r in rows])
    return LabelledSet("decidim/category", t, y, "Propositions libres", note="proposals with a category")


def decidim_comments() -> LabelledSet:
    """Comments on the Decidim debates (Lille, Nancy), replies included; label = the debate they answer
    (``root_commentable_url``, which replies carry too)."""
    rows = _read_csv(DATA / "decidim-mel-nancy" / "commentaires_debats.csv", delimiter=";")
    t, y = _usable([r["body"] for r in rows], [r["root_commentable_url"] for r in rows])
    return LabelledSet(
        "decidim-comments/debate", t, y, "Débats", note="comments on debates, replies included"
    )


LOADERS: dict[str, Callable[[], LabelledSet]] = {
    "rn-arguments/section_subtitle": lambda: republique_numerique("section_subtitle"),
    "rn-arguments/opinion_id": lambda: republique_numerique("opinion_id"),
    "rn-proposals/section_subtitle": republique_numerique_proposals,
    "gd-mixed/question": grand_debat_mixed,
    "decidim/category": decidim_proposals,
    "decidim-comments/debate": decidim_comments,
}


def labelled_file(
    path: Path, text_column: str, label_column: str, group_column: str | None = None
) -> list[LabelledSet]:
    """A labelled export of one's own (CSV in any encoding and delimiter, XLSX, JSON or JSON Lines, read by
    ``synthesis.ingest``) as labelled sets: one per value of ``group_column`` (the question, say: the product
    clusters each question apart), or one for the whole file. Rows without a label are left out (not
    annotated); non-answers too, as in every set."""
    from synthesis.errors import InputFileError
    from synthesis.ingest import Format, tabular
    from synthesis.ingest.api import open_export, open_rows
    from synthesis.ingest.detect import format_from_name
    from synthesis.records import RejectedRow

    # the kind of file told as an import tells it (content first: XLSX archive, JSON by name or first character)
    path, _, facts = open_export(path, "auto", None)
    json_fmt = None if facts.kind == "xlsx" else format_from_name(path, facts.sample)
    if facts.kind == "xlsx" or json_fmt is not None:
        if json_fmt is None:
            columns, records = tabular.xlsx_records(path)
        else:
            read = tabular.json_records if json_fmt is Format.JSON else tabular.jsonl_records
            columns, records = read(path, facts.encoding)
        rows = [r for _, r in records if not isinstance(r, RejectedRow)]
    else:
        source, _ = open_rows(path, facts.encoding)
        columns = source.columns
        rows = [dict(zip(columns, fields, strict=False)) for _, fields in source.records]
    for column in (text_column, label_column, group_column):
        if column is not None and column not in columns:
            raise InputFileError(
                f"Colonne « {column} » absente de « {path.name} ». Colonnes : {', '.join(columns)}.",
                f"No column '{column}' in '{path.name}'. Columns: {', '.join(columns)}.",
                value=column,
            )
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for row in rows:
        label = str(row.get(label_column) or "").strip()
        if label:
            group = str(row.get(group_column) or "").strip() if group_column else ""
            texts, labels = groups.setdefault(group, ([], []))
            texts.append(str(row.get(text_column) or ""))
            labels.append(label)
    if not groups:
        raise InputFileError(
            f"Aucune ligne étiquetée (colonne « {label_column} ») dans « {path.name} ».",
            f"No labelled row (column '{label_column}') in '{path.name}'.",
            value=label_column,
        )
    sets = []
    for group, (texts, labels) in groups.items():
        t, y = _usable(texts, labels, [group] * len(texts) if group_column else None)
        name = f"{path.stem}[{group}]/{label_column}" if group_column else f"{path.stem}/{label_column}"
        if len(set(y.tolist())) < 2:
            raise InputFileError(
                f"« {name} » : moins de deux étiquettes différentes, rien à comparer.",
                f"'{name}': fewer than two distinct labels, nothing to compare.",
                value=name,
            )
        sets.append(LabelledSet(name, t, y, group or path.stem, note=f"from {path.name}"))
    return sets


def load_sets(names: list[str] | None = None) -> list[LabelledSet]:
    """The labelled sets, in a fixed order."""
    return [LOADERS[n]() for n in (names or list(LOADERS))]


def embed_cached(
    texts: list[str],
    embedder_name: str = "use-multilingual",
    model: str | None = None,
    *,
    as_written: bool = False,
) -> np.ndarray:
    """(n, d) unit-norm vectors through ``synthesis.embed`` with a SQLite cache under ``bench/out/``: as the
    pipeline embeds them (copies in one form, ``prepare.embedding_forms``), or each text ``as_written`` (what
    BERTopic or any other method given the model would embed)."""
    embedder = get_embedder(embedder_name, model)
    cache = embedding_cache(embedder_name)
    try:
        norm = [prepare.normalise_text(t) for t in texts]
        return embed_unique(norm if as_written else prepare.embedding_forms(norm), embedder, cache)
    finally:
        cache.close()


def bench_arguments(doc: str) -> argparse.Namespace:
    """The command line of a bench that writes one section of BENCHMARKS.md (``--no-write``: print it only);
    libraries' warnings are silenced."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    warnings.filterwarnings("ignore")
    return parser.parse_args()


def embedding_cache(embedder_name: str = "use-multilingual") -> SQLiteCache:
    """The benches' embedding cache of ``embedder_name``, under ``bench/out/`` (the caller closes it)."""
    return SQLiteCache(OUT / f"embeddings-{embedder_name}.sqlite")


def export_contributions(path: Path) -> list[Contribution]:
    """The contributions of a whole export, as ``synthese analyse`` imports it (rejected rows left out)."""
    return [c for c in iter_file(path, secret=b"bench") if isinstance(c, Contribution)]


def publish(title: str, lines: list[str], *, write: bool) -> None:
    """The section ``## title`` of BENCHMARKS.md, its ``lines`` joined: written there unless ``write`` is false
    (``--no-write``), and printed."""
    body = "\n".join(lines)
    if write:
        write_section(BENCHMARKS, title, body)
    print(body)


def machine() -> str:
    """One line describing the machine (CPU model, cores), for BENCHMARKS.md."""
    import os
    import platform

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"
