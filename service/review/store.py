"""Record review actions and keep the reviewed report, themes, assignments in line (one transaction each)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from schemas import Report, RunSettings
from schemas.api import MAX_ID
from service import crud
from service.errors import ConflictError, NotFoundError, ReviewError
from service.jobs.cache import DBEmbeddingCache, HeldCache
from service.jobs.tasks import as_record, author_type_of
from service.models import Assignment, Contribution, ReviewAction, Run
from service.report_store import sync_rows
from service.review import ops
from service.review.split import split
from synthesis.embed import embed_unique, get_embedder
from synthesis.origin import refresh_origin
from synthesis.prepare import embedding_forms, mask_pii, normalise_text
from synthesis.records import Contribution as Record


def current_report(run: Run) -> Report:
    if run.report is None:
        raise ConflictError(
            f"L'analyse {run.id} n'a pas de rapport (statut : {run.status})",
            f"Run {run.id} has no report (status: {run.status})",
            value=run.status,
        )
    return Report.model_validate_json(run.reviewed_report or run.report)


def run_keys(session: Session, run_id: int) -> dict[str, int]:
    """contribution key -> contribution id, for the contributions placed by this run."""
    stmt = (
        select(Contribution.key, Contribution.id)
        .join(Assignment, col(Assignment.contribution_id) == Contribution.id)
        .where(Assignment.run_id == run_id)
    )
    return dict(session.exec(stmt).all())


def _contribution(session: Session, run: Run, contribution_id: int) -> Contribution:
    c = session.get(Contribution, contribution_id) if 1 <= contribution_id <= MAX_ID else None
    if c is None or c.consultation_id != run.consultation_id:
        raise NotFoundError("Contribution introuvable", "Contribution not found", value=contribution_id)
    return c


def _split_inputs(
    session: Session, run: Run, report: Report, cluster_id: str, *, held: dict[str, np.ndarray] | None = None
) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    _, cl = ops.find_cluster(report, cluster_id)
    keys = [m.contribution_id for m in cl.members]
    # The texts the run read, as its report shows them (e-mails cut out: synthesis.pipeline.masked), not the
    # contributions' current texts, which a later import may have changed.
    wanted = set(keys)
    texts = {c.contribution_id: c.text for c in report.contributions if c.contribution_id in wanted}
    missing = [k for k in keys if k not in texts]  # a report stored before it listed its contributions
    if missing:
        # Keys are unique per consultation only (``ligne-N`` repeats in every file without an id column):
        # read this run's consultation, never another one's (or another tenant's).
        rows = session.exec(
            select(Contribution).where(
                Contribution.consultation_id == run.consultation_id, col(Contribution.key).in_(missing)
            )
        )
        texts |= {c.key: mask_pii(c.text) for c in rows}
    settings = RunSettings.model_validate(report.manifest.settings)
    embedder = get_embedder(settings.embedder, settings.embedder_model)
    norm = embedding_forms([normalise_text(texts[k]) for k in keys])
    # locked: through the session's connection, since the action holds the run's lock (SQLite: the database's)
    # until its commit; ahead of the lock, new vectors are held until the split is kept under the lock
    cache = DBEmbeddingCache(session.connection()) if held is None else HeldCache(session.get_bind(), held)
    X = embed_unique(norm, embedder, cache)
    return texts, dict(zip(keys, X, strict=True))


def _records(session: Session, run: Run, report: Report) -> list[Record]:
    """The records of the run's consultation (``key`` unique per consultation) as the run read them: the metadata
    ``report`` lists for a contribution (postcode, author type, date, channel: a later import may have changed
    them) over the stored one; a report stored before it listed its contributions takes the stored ones. The
    author is the one the run's assignments keep (the report names none)."""
    read = {c.contribution_id: c for c in report.contributions}
    rows = session.exec(select(Contribution).where(Contribution.consultation_id == run.consultation_id))
    authors = dict(
        session.exec(
            select(Assignment.contribution_id, Assignment.author_ref).where(Assignment.run_id == run.id)
        ).all()
    )
    records = []
    for c in rows:
        rec, seen = as_record(c), read.get(c.key)
        if c.id in authors:
            rec = replace(rec, author_ref=authors[c.id])
        if seen is not None:
            rec = replace(
                rec,
                source_id=seen.source_id,
                author_type=author_type_of(seen.author_type),
                zipcode=seen.zipcode,
                created_at=seen.created_at,
                channel=seen.channel,
            )
        records.append(rec)
    return records


def apply_action(
    report: Report,
    session: Session,
    run: Run,
    action: str,
    payload: dict[str, Any],
    rejected: set[str],
    *,
    held: dict[str, np.ndarray] | None = None,
) -> tuple[dict, dict]:
    """Apply one action to ``report`` in place; payload ids are API ids (contribution ids are integers).
    ``held``: the caller does not hold the run's lock, and a split's new vectors are kept there, not stored
    (see :func:`_split_ahead`)."""
    if action == "rename":
        return ops.rename(report, payload["cluster_id"], payload["label"])
    if action == "reject_quote":
        c = _contribution(session, run, payload["contribution_id"])
        return ops.reject_quote(report, payload["cluster_id"], c.key, rejected)
    done = _regroup(report, session, run, action, payload, held=held)
    # the themes hold other contributions: who speaks in each is counted again
    refresh_origin(
        report, _records(session, run, report), RunSettings.model_validate(report.manifest.settings)
    )
    return done


def _regroup(
    report: Report,
    session: Session,
    run: Run,
    action: str,
    payload: dict[str, Any],
    *,
    held: dict[str, np.ndarray] | None,
) -> tuple[dict, dict]:
    """A merge, split or move: an action that changes which theme holds which contribution."""
    if action == "merge":
        return ops.merge(report, payload["cluster_id"], payload["into_cluster_id"])
    if action == "split":
        texts, vectors = _split_inputs(session, run, report, payload["cluster_id"], held=held)
        return split(
            report,
            payload["cluster_id"],
            texts,
            vectors,
            min_cluster_size=payload.get("min_cluster_size"),
            random_state=report.manifest.seed,
        )
    if action == "move":
        c = _contribution(session, run, payload["contribution_id"])
        return ops.move(report, c.key, c.source_id, payload["to_cluster_id"])
    raise ValueError(action)


def rejected_quotes(session: Session, run: Run) -> set[str]:
    ids = [a.payload["contribution_id"] for a in _actions(session, run.id) if a.action == "reject_quote"]
    if not ids:
        return set()
    stmt = select(Contribution.key).where(
        Contribution.consultation_id == run.consultation_id, col(Contribution.id).in_(ids)
    )
    return set(session.exec(stmt))


def _actions(session: Session, run_id: int) -> list[ReviewAction]:
    return list(
        session.exec(select(ReviewAction).where(ReviewAction.run_id == run_id).order_by(col(ReviewAction.id)))
    )


def save_review(session: Session, run: Run, report: Report) -> None:
    from synthesis.report import render_json

    run.reviewed_report = render_json(report)
    session.add(run)
    sync_rows(session, run.id, report, run_keys(session, run.id))


def record_action(
    *, session: Session, run: Run, action: str, payload: dict[str, Any], actor: str
) -> ReviewAction:
    """Apply, record (who, when, before, after) and store the reviewed report; all or nothing.

    The run is read again, locked until the commit (``crud.lock_run``, SQLite included): another reviewer's
    action stored since this request read it is built upon, never overwritten. A split is computed before the
    lock (:func:`_split_ahead`) and kept when no action was stored meanwhile."""
    try:
        ahead = _split_ahead(session, run, payload) if action == "split" else None
        crud.lock_run(session=session, run_id=run.id)  # refreshes ``run``, the session's copy of the row
        if ahead is not None and ahead[0] == (run.reviewed_report or run.report):
            _, report, (before, after), held = ahead
            DBEmbeddingCache(session.connection()).put_many(held.items())
        else:
            report = current_report(run)
            before, after = apply_action(report, session, run, action, payload, rejected_quotes(session, run))
        row = ReviewAction(
            run_id=run.id, action=action, actor=actor, payload=payload, before=before, after=after
        )
        session.add(row)
        save_review(session, run, report)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(row)
    return row


def _split_ahead(
    session: Session, run: Run, payload: dict[str, Any]
) -> tuple[str | None, Report, tuple[dict, dict], dict[str, np.ndarray]] | None:
    """A split computed on the run's report as it stands, before the run is locked: clustering a large theme
    takes seconds, and on SQLite the run's lock is the whole database's (every import and review of the
    service would wait, and fail after the 30 s busy timeout). Returns the report it started from, the split
    report, the action's record and the vectors it computed, stored only if the split is kept under the lock
    (stored at once, those of a text erased meanwhile were stored again after the erasure had forgotten them);
    None when it fails (the split is then done, or refused, under the lock)."""
    basis = run.reviewed_report or run.report
    held: dict[str, np.ndarray] = {}
    try:
        report = current_report(run)
        done = apply_action(report, session, run, "split", payload, rejected_quotes(session, run), held=held)
    except (ReviewError, NotFoundError, ConflictError, KeyError, ValueError):
        return None
    return basis, report, done, held
