"""Erasure of contributions at their author's request (RGPD art. 17), everywhere the service keeps them.

An erased contribution keeps its row as a tombstone (``erasure_id``): its text, previous texts, author, place, date
and the raw columns of its row are gone, so that the runs keep counting it where they placed it and a re-import of
its export skips it (``service.imports``). Every stored run holding it is rewritten: its report and reviewed report
list it as erased (no text, no place nor date), its quotes are dropped (every remaining quote is still the verbatim
text of a member), a campaign's variant written only by erased contributions goes, and the run's assignments
forget its author. The embedding cache forgets the vectors of its texts that no remaining contribution holds,
with every stored k-NN search (their keys cannot be traced back to texts). The ``erasures`` row is the audit
trail: when, how many, which runs, by which key; never a text nor an author's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from schemas import Report
from service import crud
from service.errors import ConflictError, NotFoundError
from service.models import (
    ApiKey,
    Assignment,
    Consultation,
    Contribution,
    ContributionVersion,
    Erasure,
    Run,
)
from service.scrub import scrub_report, without_words
from service.tombstones import erased_roots
from synthesis.ingest.privacy import author_ref

CHUNK = 500
# The reason the runs after an erasure give for excluding an erased contribution (French, as the pipeline's).
ERASED_REASON = "effacée à la demande de son auteur"
# The keys of a row's ``extra`` kept on its tombstone: the file it came from (no personal data), which the runs
# read to count the rows of each file.
KEPT_EXTRA = ("file", "kind")


@dataclass(frozen=True)
class ErasureRequest:
    """What to erase in one consultation: contributions by their API id, by their author's id as the export
    writes it (pseudonymised here as the importers do), and those withdrawn by imports in mode replace."""

    contribution_ids: Sequence[int] = ()
    author_ids: Sequence[str] = ()
    withdrawn: bool = False

    def criteria(self) -> list[str]:
        named = (("contribution_ids", self.contribution_ids), ("authors", self.author_ids))
        return [name for name, given in named if given] + (["withdrawn"] if self.withdrawn else [])


SHOWN_IDS = 20  # ids an error names, at most (the count says how many in all)
Where = tuple[str, str]  # where the contributions were looked for, in French and in English (error messages)


def _where(consultations: Sequence[Consultation]) -> Where:
    if len(consultations) == 1:
        return f"dans la consultation {consultations[0].id}", f"in consultation {consultations[0].id}"
    return "dans les consultations de votre organisation", "in your organisation's consultations"


def _by_ids(
    session: Session, consultations: Sequence[Consultation], ids: Sequence[int]
) -> dict[int, tuple[int, int | None]]:
    """Contribution id -> (its consultation, its erasure: None if not erased yet) for ``ids``; NotFoundError naming
    those that are none of ``consultations``' (another tenant's too: never says which)."""
    wanted, found = sorted(set(ids)), {}
    of = col(Contribution.consultation_id).in_([c.id for c in consultations])
    for start in range(0, len(wanted), CHUNK):
        columns = (Contribution.id, Contribution.consultation_id, Contribution.erasure_id)
        stmt = select(*columns).where(of, col(Contribution.id).in_(wanted[start : start + CHUNK]))
        found |= {cid: (where, erasure) for cid, where, erasure in session.exec(stmt)}
    missing = [i for i in wanted if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:SHOWN_IDS])) + ("…" if len(missing) > SHOWN_IDS else "")
        fr, en = _where(consultations)
        raise NotFoundError(
            f"{len(missing)} contribution(s) introuvable(s) {fr} : {shown}",
            f"{len(missing)} contribution(s) not found {en}: {shown}",
            value=missing[:SHOWN_IDS],
        )
    return found


def _by_authors(
    session: Session, consultations: Sequence[Consultation], author_ids: Sequence[str], secret: bytes
) -> list[tuple[int, int]]:
    """(consultation, contribution id) of the contributions not yet erased of each author (their id as the export
    writes it, pseudonymised as the importers do); NotFoundError naming by position (an id is never echoed) those
    that name none."""
    refs = {n: author_ref(raw, secret) for n, raw in enumerate(author_ids, start=1)}
    wanted = sorted({ref for ref in refs.values() if ref is not None})
    where = [c.id for c in consultations]
    runs = select(Run.id).where(col(Run.consultation_id).in_(where))
    found: dict[str, set[tuple[int, int]]] = {}
    # a few statements whatever the number of authors (the assignments read through their runs' index)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        now = select(Contribution.author_ref, Contribution.consultation_id, Contribution.id).where(
            col(Contribution.consultation_id).in_(where),
            col(Contribution.erasure_id).is_(None),
            col(Contribution.author_ref).in_(chunk),
        )
        # the author a run read: a later import may have changed the contribution's
        read = (
            select(Assignment.author_ref, Contribution.consultation_id, Contribution.id)
            .join(Contribution, col(Contribution.id) == Assignment.contribution_id)
            .where(col(Assignment.run_id).in_(runs), col(Assignment.author_ref).in_(chunk))
            .where(col(Contribution.erasure_id).is_(None))
        )
        for ref, consultation_id, cid in [*session.exec(now), *session.exec(read)]:
            if ref is not None and cid is not None:
                found.setdefault(ref, set()).add((consultation_id, cid))
    unknown = [n for n, ref in refs.items() if ref is None or not found.get(ref)]
    if unknown:
        shown = ", ".join(map(str, unknown))
        fr, en = _where(consultations)
        raise NotFoundError(
            f"Aucune contribution à effacer de l'auteur n° {shown} de la liste « author_ids » {fr} "
            "(identifiant inconnu, anonyme, ou contributions déjà effacées)",
            f"No contribution to erase by author no. {shown} of the 'author_ids' list {en} (unknown or "
            "anonymous id, or contributions already erased)",
            value=unknown,
        )
    return sorted({target for ref in wanted for target in found.get(ref, set())})


def _targets(
    session: Session, consultations: Sequence[Consultation], request: ErasureRequest, secret: bytes
) -> dict[int, list[int]]:
    """Consultation id -> the ids of its contributions ``request`` names, those already erased left out."""
    named = _by_ids(session, consultations, request.contribution_ids)
    targets = {(where, cid) for cid, (where, erasure) in named.items() if erasure is None}
    targets |= set(_by_authors(session, consultations, request.author_ids, secret))
    if request.withdrawn:
        stmt = select(Contribution.consultation_id, Contribution.id).where(
            col(Contribution.consultation_id).in_([c.id for c in consultations]),
            col(Contribution.withdrawn_import_id).is_not(None),
            col(Contribution.erasure_id).is_(None),
        )
        targets |= {(where, cid) for where, cid in session.exec(stmt) if cid is not None}
    out: dict[int, list[int]] = {}
    for where, cid in sorted(targets):
        out.setdefault(where, []).append(cid)
    return out


def _check_no_run_under_way(session: Session, consultation: Consultation) -> None:
    """A run executing may have read the texts to erase: it would store them again in its report."""
    busy = [
        r.id
        for r in crud.list_runs(session=session, consultation_id=consultation.id)
        if r.status == "running"
    ]
    if busy:
        shown = ", ".join(map(str, busy))
        raise ConflictError(
            f"Analyse(s) en cours dans la consultation {consultation.id} : {shown} ; elles ont pu lire les textes "
            "à effacer. Attendez leur fin (ou annulez-les), puis effacez.",
            f"Run(s) under way in consultation {consultation.id}: {shown}; they may have read the texts to erase. "
            "Wait for them to end (or cancel them), then erase.",
            value=busy,
        )


def _top_labels(report: Report) -> dict[str, str]:
    return {cl.cluster_id: cl.label for q in report.questions for cl in q.clusters}


def _rename_questions(session: Session, consultation: Consultation, questions: dict[str, str]) -> None:
    """The consultation's contributions answering an erased proposal or debate read its new question text."""
    for question_id, text in questions.items():
        session.execute(
            update(Contribution)
            .where(col(Contribution.consultation_id) == consultation.id)
            .where(col(Contribution.question_id) == question_id)
            .values(question_text=text)
        )


def _rewrite_run(
    session: Session, run: Run, ids: list[int], keys: set[str], questions: dict[str, str]
) -> bool:
    """Scrub ``run``'s stored reports, its themes' labels and its assignments' authors; returns whether it held
    any of ``ids``."""
    from synthesis.report import render_json

    changed, labels, dropped = False, {}, set[str]()
    for field in ("report", "reviewed_report"):
        stored = getattr(run, field)
        if stored is None:
            continue
        report = Report.model_validate_json(stored)
        if scrub_report(report, keys, dropped, questions):
            setattr(run, field, render_json(report))
            changed = True
        labels[field] = _top_labels(report)
    if changed:  # a label that named a word only they wrote (the themes table holds the top-level ones)
        auto, current = labels.get("report", {}), labels.get("reviewed_report") or labels.get("report", {})
        for theme in crud.list_themes(session=session, run_id=run.id):
            new = (current.get(theme.cluster_id, theme.label), auto.get(theme.cluster_id, theme.auto_label))
            if new != (theme.label, theme.auto_label):
                theme.label, theme.auto_label = new
                session.add(theme)
    if dropped:
        _scrub_history(session, run, dropped)
    for start in range(0, len(ids), CHUNK):
        result = session.execute(
            update(Assignment)
            .where(col(Assignment.run_id) == run.id)
            .where(col(Assignment.contribution_id).in_(ids[start : start + CHUNK]))
            .values(author_ref=None)
        )
        changed = changed or bool(getattr(result, "rowcount", 0))
    return changed


def _labels_without(value: Any, words: set[str]) -> Any:
    """``value`` (a review action's JSON) with every ``label`` in it :func:`without_words`."""
    if isinstance(value, dict):
        return {
            k: without_words(v, words) if k == "label" and isinstance(v, str) else _labels_without(v, words)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_labels_without(v, words) for v in value]
    return value


def _scrub_history(session: Session, run: Run, words: set[str]) -> None:
    """The run's review history without ``words`` in the labels it records (before and after each action)."""
    for action in crud.list_review_actions(session=session, run_id=run.id):
        scrubbed = {f: _labels_without(getattr(action, f), words) for f in ("payload", "before", "after")}
        if any(scrubbed[f] != getattr(action, f) for f in scrubbed):
            action.payload, action.before, action.after = (
                scrubbed["payload"],
                scrubbed["before"],
                scrubbed["after"],
            )
            session.add(action)


def _rewrite_runs(
    session: Session, consultation: Consultation, ids: list[int], keys: set[str], questions: dict[str, str]
) -> list[int]:
    """Scrub the stored runs of the consultation holding ``ids``; returns the ids of the runs rewritten."""
    rewritten = []
    for listed in crud.list_runs(session=session, consultation_id=consultation.id):
        # read afresh and locked: a review action under way ends first, its report then scrubbed with the rest
        # (read before it committed, the run's reviewed report was written over, or left holding the texts)
        run = crud.lock_run(session=session, run_id=listed.id)
        if run is not None and _rewrite_run(session, run, ids, keys, questions):
            session.add(run)
            rewritten.append(run.id)
    return rewritten


def _forget_cached_vectors(session: Session, consultation: Consultation, texts: set[str]) -> None:
    """Forget the cached vectors of ``texts`` (the erased ones, once erased: flushed) that no remaining
    contribution of any consultation holds, as its current or a previous text: those embed to the same vectors."""
    kept: set[str] = set()
    ordered = sorted(texts - {""})
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        kept |= set(session.exec(select(Contribution.text).where(col(Contribution.text).in_(chunk))))
        kept |= set(
            session.exec(select(ContributionVersion.text).where(col(ContributionVersion.text).in_(chunk)))
        )
    gone = set(ordered) - kept
    if not gone:
        return
    runs = crud.list_runs(session=session, consultation_id=consultation.id)
    models = {m for m in (crud.model_id(run) for run in runs) if m is not None}
    crud.forget_texts(session=session, texts=gone, model_ids=models)


def _erase(
    session: Session, consultation: Consultation, key: ApiKey, ids: list[int], criteria: list[str]
) -> Erasure:
    """Erase the contributions ``ids`` of ``consultation`` (locked by the caller, who commits); the audit row."""
    rows: list[Contribution] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows += list(session.exec(select(Contribution).where(col(Contribution.id).in_(chunk))))
    texts = {c.text for c in rows}
    for start in range(0, len(ids), CHUNK):
        versions = select(ContributionVersion.text).where(
            col(ContributionVersion.contribution_id).in_(ids[start : start + CHUNK])
        )
        texts |= set(session.exec(versions))
    erasure = Erasure(
        consultation_id=consultation.id,
        api_key_id=key.id,
        key_prefix=key.prefix,
        criteria=criteria,
        contributions=len(ids),
    )
    session.add(erasure)
    session.flush()
    questions = erased_roots(rows)
    # nothing to erase (an audit row kept all the same): no stored report is read for nothing
    erasure.runs = _rewrite_runs(session, consultation, ids, {c.key for c in rows}, questions) if rows else []
    _rename_questions(session, consultation, questions)
    for c in rows:
        c.text, c.author_ref, c.zipcode, c.submitted_at, c.erasure_id = "", None, None, None, erasure.id
        c.extra = {k: v for k, v in (c.extra or {}).items() if k in KEPT_EXTRA}
        session.add(c)
    for start in range(0, len(ids), CHUNK):
        session.execute(
            delete(ContributionVersion).where(
                col(ContributionVersion.contribution_id).in_(ids[start : start + CHUNK])
            )
        )
    session.flush()
    _forget_cached_vectors(session, consultation, texts)
    session.add(erasure)
    return erasure


def erase_contributions(
    *,
    session: Session,
    consultations: Sequence[Consultation],
    key: ApiKey,
    request: ErasureRequest,
    secret: bytes,
    record_empty: bool = True,
) -> list[Erasure]:
    """Erase what ``request`` names of ``consultations`` (one, or all of a tenant's) everywhere the service keeps
    it, in one transaction (the consultations locked: an import or a run's reading waits); returns the audit rows,
    one per consultation erased in (``record_empty``: also where nothing was left to erase). ``secret``: the
    deployment's pseudonymisation key, which turns an author's id into the ``author_ref`` its imports stored."""
    try:
        ordered = sorted(consultations, key=lambda c: c.id or 0)
        for consultation in ordered:  # always in the same order: two erasures never wait for each other
            crud.lock_consultation(session=session, consultation_id=consultation.id)
        targets = _targets(session, ordered, request, secret)
        touched = [c for c in ordered if c.id in targets or record_empty]
        for consultation in touched:
            _check_no_run_under_way(session, consultation)
        erasures = [_erase(session, c, key, targets.get(c.id or 0, []), request.criteria()) for c in touched]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    for erasure in erasures:
        session.refresh(erasure)
    return erasures


def list_erasures(*, session: Session, consultation_ids: Sequence[int]) -> list[Erasure]:
    """The erasures in ``consultation_ids``, oldest first."""
    where = col(Erasure.consultation_id).in_(list(consultation_ids))
    return list(session.exec(select(Erasure).where(where).order_by(col(Erasure.id))))
