"""Build Grand Débat wide-format exports from real answers: the committed sample and large synthetic loads.

The answer texts are real (Grand Débat National 2019 open data, Licence Ouverte / Etalab 2.0, via
``../shared/data/granddebat``); the row metadata (ids, references, dates, author ids and types, postcodes
drawn from
La Poste's real postcode list, trashed flags) and the closed multiple-choice column are synthetic. See
README.md.

    python sample_consultations/generate.py sample            # rewrites granddebat_fiscalite_sample.csv
    python sample_consultations/generate.py big OUT.csv 1000000 [--seed 0]
"""

from __future__ import annotations

import base64
import csv
import random
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from synthesis.ingest.granddebat import METADATA_COLUMNS as METADATA

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SAMPLE = Path(__file__).resolve().parent / "granddebat_fiscalite_sample.csv"
# Real questions of the "La fiscalité et les dépenses publiques" questionnaire and their real answer files.
QUESTIONS = (
    (
        "164",
        "Quels sont selon vous les impôts qu'il faut baisser en priorité ?",
        "gd_animation_fiscalite_13.csv",
    ),
    (
        "166",
        "Pour quelle(s) politique(s) publique(s) ou pour quelle(s) mission(s) de l'État seriez-vous prêts à "
        "payer plus d'impôts ?",
        "gd_animation_fiscalite_17.csv",
    ),
)
# Synthetic closed multiple-choice question (marked as such in its text), answers joined by "|" as in the
# export.
CLOSED = (
    "9001",
    "[question fermée synthétique] Quels services publics utilisez-vous le plus souvent ?",
    ("L'école", "L'hôpital", "La mairie", "Les transports", "La poste", "Pôle emploi", "Les impôts"),
)
CAMPAIGN_MARK = "Supprimer la CSG pour TOUS les retraités"
AUTHOR_TYPES = (
    ("Citoyen / Citoyenne", 0.93),
    ("", 0.03),
    ("Organisation à but non lucratif", 0.02),
    ("Élu / élue et Institution", 0.01),
    ("Organisation à but lucratif", 0.01),
)


def question_header(question_id: str, text: str) -> str:
    """Official header: "Q" + base64 of ``Question:<n>`` (padding stripped), " - ", the question."""
    token = base64.b64encode(f"Question:{question_id}".encode()).decode().rstrip("=")
    return f"Q{token} - {text}"


def header() -> list[str]:
    return [
        *METADATA,
        *(question_header(q, t) for q, t, _ in QUESTIONS),
        question_header(CLOSED[0], CLOSED[1]),
    ]


def load_answers(data_dir: Path = DATA) -> list[list[str]]:
    """Real answers per question of :data:`QUESTIONS` (only those that Windows-1252 can encode)."""
    out = []
    for _, _, name in QUESTIONS:
        with (data_dir / "granddebat" / name).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        out.append([r[0] for r in rows if r and _cp1252(r[0])])
    return out


def load_postcodes(data_dir: Path = DATA) -> list[str]:
    with (data_dir / "territoires" / "019HexaSmal.csv").open(encoding="utf-8", newline="") as fh:
        return sorted({row[2] for row in list(csv.reader(fh, delimiter=";"))[1:] if len(row) > 2})


def _cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _gid(kind: str, rng: random.Random) -> str:
    return base64.b64encode(f"{kind}:{uuid.UUID(int=rng.getrandbits(128))}".encode()).decode()


def _date(rng: random.Random) -> str:
    day, sec = rng.randrange(0, 56), rng.randrange(0, 86400)  # 2019-01-22 .. 2019-03-18
    month, mday = (1, 22 + day) if day < 10 else ((2, day - 9) if day < 38 else (3, day - 37))
    return f"2019-{month:02d}-{mday:02d} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _row(
    n: int, answers: list[str], rng: random.Random, postcodes: list[str], author: str | None
) -> list[str]:
    created = _date(rng)
    trashed = rng.random() < 0.02
    kind = _weighted(rng, AUTHOR_TYPES)
    return [
        _gid("Proposal", rng),
        f"2-{n}",
        "",
        created,
        created,
        created if rng.random() < 0.9 else _date(rng),
        "true" if trashed else "false",
        "invisible" if trashed else "",
        author or _gid("User", rng),
        kind,
        rng.choice(postcodes) if rng.random() < 0.95 else "",
        *answers,
    ]


def _closed(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return ""
    return "|".join(rng.sample(CLOSED[2], rng.randint(1, 3)))


def build_sample(path: Path = SAMPLE, seed: int = 2019, n_rows: int = 1300) -> None:
    """The committed sample: every CSG-campaign copy of question 164 plus a random draw of other answers."""
    rng = random.Random(seed)
    q164, q166 = load_answers()
    campaign = [t for t in q164 if CAMPAIGN_MARK in t]
    others = rng.sample([t for t in q164 if CAMPAIGN_MARK not in t], 1050 - len(campaign))
    col164 = campaign + others + [""] * (n_rows - 1050)
    col166 = rng.sample(q166, 900) + [""] * (n_rows - 900)
    rng.shuffle(col164)
    rng.shuffle(col166)
    postcodes = load_postcodes()
    prolific = [_gid("User", rng) for _ in range(5)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header())
        for i in range(n_rows):
            author = rng.choice(prolific) if rng.random() < 0.02 else None
            writer.writerow(_row(i + 1, [col164[i], col166[i], _closed(rng)], rng, postcodes, author))


def synthetic_rows(
    n_rows: int, seed: int, data_dir: Path = DATA, *, pairs: int | None = None
) -> Iterator[list[str]]:
    """Rows of a large synthetic load: real answers, exact copies, campaign copies and two-answer
    combinations.

    Per question cell: 30 % blank; else 5 % a copy of one real campaign text, 25 % a real answer verbatim (so
    frequent real answers repeat, as in the real export), 70 % two real answers of that question joined by a
    space (mostly unique texts, so that duplicate detection and embedding caches see a realistic mix). With
    ``pairs``, the combinations are drawn from that many fixed pairs per question (fewer distinct texts: the
    1M-contribution scale benchmark uses it to keep the embedding feasible).
    """
    rng = random.Random(seed)
    pools = load_answers(data_dir)
    fixed = [[f"{rng.choice(p)} {rng.choice(p)}" for _ in range(pairs)] for p in pools] if pairs else None
    campaigns = sorted({t for t in pools[0] if CAMPAIGN_MARK in t})
    postcodes = load_postcodes(data_dir)
    prolific = [_gid("User", rng) for _ in range(max(10, n_rows // 2000))]
    for i in range(n_rows):
        cells = []
        for q, pool in enumerate(pools):
            draw = rng.random()
            if draw < 0.30:
                cells.append("")
            elif draw < 0.335:
                cells.append(rng.choice(campaigns))
            elif draw < 0.51:
                cells.append(rng.choice(pool))
            elif fixed:
                cells.append(rng.choice(fixed[q]))
            else:
                cells.append(f"{rng.choice(pool)} {rng.choice(pool)}")
        author = rng.choice(prolific) if rng.random() < 0.01 else None
        yield _row(i + 1, [*cells, _closed(rng)], rng, postcodes, author)


def generate_granddebat(
    path: str | Path, n_rows: int, seed: int = 0, *, encoding: str = "utf-8", pairs: int | None = None
) -> Path:
    """Write a Grand Débat wide-format export of ``n_rows`` data rows built from real answers (streamed;
    ``pairs``: see :func:`synthetic_rows`)."""
    path = Path(path)
    with path.open("w", encoding=encoding, newline="", errors="replace") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header())
        writer.writerows(synthetic_rows(n_rows, seed, pairs=pairs))
    return path


if __name__ == "__main__":
    if sys.argv[1:2] == ["sample"]:
        build_sample()
    elif sys.argv[1:2] == ["big"] and len(sys.argv) >= 4:
        seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
        generate_granddebat(sys.argv[2], int(sys.argv[3]), seed)
    else:
        sys.exit(__doc__)
