"""Quotes as a reader meets them (issue 4): representative, verbatim, and never the same thing twice.

Whole exports through the whole pipeline (``synthesis.pipeline.run``, default settings, seed 0): the sample
consultation of the demo, the 8 Grand Débat questions of ``../shared/data/granddebat`` (every answer), the 29
Decidim debates and the 18 République numérique sections (one question each), as in ``bench/labels.py`` (the
Grand Débat answers with their question's text).
Counted over the quotes of every theme and sub-theme:

- quotes, and themes with fewer quotes than the settings ask for (a theme with fewer distinct answers has
  fewer quotes; so has one whose other answers say the same as its quotes);
- pairs of quotes of one theme that say the same words: the same lemmas (case, accents, plurals and word
  order aside: "l'impôt sur le revenu" and "Les impôts sur le revenu"), or four fifths of them at least
  (Jaccard index of :func:`synthesis.quotes.quote_words`, stop words included), and of these the pairs whose
  other words hold a negation ("je suis favorable..." and "je ne suis pas favorable...": not the same);
- quotes of readable length (40 to 400 characters), quotes writing each of their words more than twice on
  average ("L'éducation. L'éducation. [...]"), and verbatim quotes (each is its member's text, checked);
- for themes split into sub-themes: those whose quotes all come from one sub-theme, and the share of their
  members that are in a sub-theme one of their quotes comes from (summed over these themes).

Run: ``.venv/bin/python bench/quotes.py [--no-write]``; writes ``## Quotes`` in BENCHMARKS.md.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from pathlib import Path

from common import ROOT, bench_arguments, embedding_cache, export_contributions, machine, publish
from labels import EXPORTS, contributions

from schemas import Report, RunSettings
from synthesis.pipeline import run
from synthesis.quotes import (
    NEGATIONS,
    QUOTE_MAX_CHARS,
    QUOTE_MAX_REPEATS,
    QUOTE_MIN_CHARS,
    quote_words,
    word_repeats,
)

SAMPLE = ROOT / "sample_consultations" / "granddebat_fiscalite_sample.csv"
SAME_SHARE = 0.8


def count(report: Report, text: dict[str, str], n_quotes: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for q in report.questions:
        for c in (x for t in q.clusters for x in (t, *t.subclusters)):
            quotes = [x.text for x in c.quotes]
            out["themes and sub-themes"] += 1
            out["quotes"] += len(quotes)
            out[f"themes with fewer than {n_quotes} quotes"] += len(quotes) < n_quotes
            out["verbatim quotes"] += sum(x.text == text[x.contribution_id] for x in c.quotes)
            out["quotes of readable length"] += sum(
                QUOTE_MIN_CHARS <= len(t) <= QUOTE_MAX_CHARS for t in quotes
            )
            out["quotes repeating their words"] += sum(word_repeats(t) > QUOTE_MAX_REPEATS for t in quotes)
            for a, b in itertools.combinations(map(quote_words, quotes), 2):
                shared = len(a & b) / len(a | b) if a | b else 1.0
                out["pairs with the same words"] += shared == 1.0
                out[f"pairs sharing >= {SAME_SHARE:.0%} of their words"] += shared >= SAME_SHARE
                out["... of which differing by a negation"] += shared >= SAME_SHARE and bool(
                    (a ^ b) & NEGATIONS
                )
        for c in (t for t in q.clusters if t.subclusters):
            part = {m.contribution_id: i for i, s in enumerate(c.subclusters) for m in s.members}
            shown = {part[x.contribution_id] for x in c.quotes}
            out["themes with sub-themes"] += 1
            out["... quoting one sub-theme only"] += len(shown) == 1
            out["their members in a quoted sub-theme"] += sum(c.subclusters[i].size for i in shown)
            out["their members"] += c.size
    return out


def main() -> None:
    args = bench_arguments(__doc__)
    cache = embedding_cache()
    settings = RunSettings()
    total: Counter[str] = Counter()
    contributions_in_all = 0
    start = time.perf_counter()
    try:
        for path in [SAMPLE, *EXPORTS]:
            items = export_contributions(Path(path)) if path == SAMPLE else contributions(Path(path))
            contributions_in_all += len(items)
            row = count(
                run(items, settings, cache=cache),
                {c.contribution_id: c.text for c in items},
                settings.n_quotes,
            )
            total.update(row)
            print(path.name, dict(row), flush=True)
    finally:
        cache.close()
    keys = list(total)
    publish(
        "Quotes",
        [
            f"Machine: {machine()} (shared with other sessions). Command: `.venv/bin/python bench/quotes.py` "
            f"({time.perf_counter() - start:.0f} s, embeddings cached). The sample consultation, the 8 Grand Débat "
            "questions (every answer, with its question's text), the 29 Decidim debates and the 18 République "
            f"numérique sections (one question each): {contributions_in_all:,} contributions through the whole "
            "pipeline, default settings "
            f"({settings.n_quotes} quotes per theme), seed 0. Words of a quote: its lemmas, accents aside, stop "
            "words included (`synthesis.quotes.quote_words`); two quotes share the share of words given by the "
            "Jaccard index.",
            "",
            "| " + " | ".join(keys) + " |",
            "|" + "---|" * len(keys),
            "| " + " | ".join(str(total[k]) for k in keys) + " |",
            "",
            f"Members of themes split into sub-themes that are in a sub-theme their theme quotes: "
            f"{total['their members in a quoted sub-theme'] / max(1, total['their members']):.1%}.",
        ],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
