"""Small deterministic consultation files for the service tests."""

from __future__ import annotations

import csv
import io

TOPICS = {
    "velo": ["pistes cyclables sécurisées", "garages à vélo", "vélo en ville", "voies vélo continues"],
    "bus": ["bus plus fréquents", "tramway le soir", "tickets de bus moins chers", "lignes de bus de nuit"],
    "arbres": ["planter des arbres", "parcs ombragés", "arbres dans les cours", "espaces verts fleuris"],
}
OPENERS = ["Je souhaite", "Il faut", "Nous voulons", "Merci de prévoir", "Priorité aux"]


def consultation_rows(
    n_per_topic: int = 12, *, changed: dict[int, str] | None = None
) -> list[dict[str, str]]:
    rows, i = [], 0
    for topic, phrases in TOPICS.items():
        for k in range(n_per_topic):
            text = (
                f"{OPENERS[k % len(OPENERS)]} {phrases[k % len(phrases)]} {phrases[(k + 1) % len(phrases)]}"
            )
            rows.append({"id": f"c{i}", "auteur": f"user{i % 7}", "avis": text, "sujet": topic})
            i += 1
    for idx, text in (changed or {}).items():
        rows[idx]["avis"] = text
    rows.append({"id": f"c{i}", "auteur": "user0", "avis": "RAS", "sujet": "velo"})
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


MAPPING_FIELDS = {"text_column": "avis", "id_column": "id", "author_column": "auteur"}
FAST_SETTINGS = {"embedder": "fake-hash", "min_cluster_size": 5, "n_neighbors": 10, "subclusters": False}
