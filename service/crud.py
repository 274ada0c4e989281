"""Data access: keyword-only ``verb_noun(*, session, ...)`` functions (rule 17).

Tenant scoping happens here: every ``get_*`` takes the caller's ``tenant_id`` and answers ``None`` for another
tenant's ids, so routes turn both "missing" and "not yours" into the same 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from schemas.api import MAX_ID
from service.core.security import hash_api_key, new_api_key
from service.models import (
    ApiKey,
    Assignment,
    Consultation,
    Contribution,
    ContributionVersion,
    Erasure,
    Flag,
    Import,
    ReviewAction,
    Run,
    StoredEmbedding,
    StoredKnn,
    Tenant,
    Theme,
    utcnow,
)


def _is_id(value: int) -> bool:
    """Whether ``value`` can name a row (ids are 32-bit integer columns; SQLite fails on ints past 2**63)."""
    return 1 <= value <= MAX_ID


def create_tenant(*, session: Session, name: str) -> Tenant:
    tenant = Tenant(name=name)
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant_by_name(*, session: Session, name: str) -> Tenant | None:
    return session.exec(select(Tenant).where(Tenant.name == name)).first()


def create_api_key(
    *, session: Session, tenant_id: int, name: str, read_only: bool = False
) -> tuple[ApiKey, str]:
    """A new key row and the clear key (returned once, never stored)."""
    key = new_api_key()
    row = ApiKey(
        tenant_id=tenant_id, name=name, key_hash=hash_api_key(key), prefix=key[:10], read_only=read_only
    )
    session.add(row)
    session.flush()
    return row, key


def list_api_keys(*, session: Session, tenant_id: int) -> list[ApiKey]:
    stmt = select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(col(ApiKey.id))
    return list(session.exec(stmt))


def find_api_keys(*, session: Session, tenant_id: int, key_or_prefix: str) -> list[ApiKey]:
    """The tenant's keys named by a whole key (its hash) or by the prefix that ``list_api_keys`` shows."""
    by_hash = ApiKey.key_hash == hash_api_key(key_or_prefix)
    stmt = select(ApiKey).where(ApiKey.tenant_id == tenant_id, by_hash | (ApiKey.prefix == key_or_prefix))
    return list(session.exec(stmt.order_by(col(ApiKey.id))))


def revoke_api_key(*, session: Session, key: ApiKey) -> None:
    """From now on the key answers 401 (the row stays: the review history names its actions)."""
    key.revoked_at = key.revoked_at or utcnow()
    session.add(key)
    session.flush()


def get_api_key(*, session: Session, token: str) -> ApiKey | None:
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_api_key(token))).first()
    return row if row is not None and row.revoked_at is None else None


def create_consultation(
    *, session: Session, tenant_id: int, title: str, description: str | None
) -> Consultation:
    consultation = Consultation(tenant_id=tenant_id, title=title, description=description)
    session.add(consultation)
    session.commit()
    session.refresh(consultation)
    return consultation


def get_consultation(*, session: Session, tenant_id: int, consultation_id: int) -> Consultation | None:
    row = session.get(Consultation, consultation_id) if _is_id(consultation_id) else None
    return row if row is not None and row.tenant_id == tenant_id else None


def lock_consultation(*, session: Session, consultation_id: int, shared: bool = False) -> Consultation | None:
    """Consultation ``consultation_id`` read afresh and locked until the caller's transaction ends, so that what
    changes its contributions (an import, its deletion) happens one at a time: a second import waits, then reads
    the rows the first stored instead of inserting them again (PostgreSQL reads only what was committed before
    each statement). ``shared``: for a reader of several tables (a run's inputs), which then reads them as they
    stood at one moment, no import in between; readers do not wait for one another on PostgreSQL (``FOR
    SHARE``). SQLite: a no-op write takes the database's write lock (see :func:`lock_run`)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Consultation).where(col(Consultation.id) == consultation_id).values(id=Consultation.id)
        )
    stmt = select(Consultation).where(col(Consultation.id) == consultation_id).with_for_update(read=shared)
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def list_consultations(
    *, session: Session, tenant_id: int, offset: int, limit: int
) -> tuple[list[Consultation], int]:
    where = Consultation.tenant_id == tenant_id
    count = session.exec(select(func.count()).select_from(Consultation).where(where)).one()
    rows = session.exec(
        select(Consultation).where(where).order_by(col(Consultation.id)).offset(offset).limit(limit)
    )
    return list(rows), count


def count_contributions(
    *, session: Session, consultation_id: int, withdrawn: bool = False, erased: bool = False
) -> int:
    """The consultation's contributions (``withdrawn``: only those an import in mode replace withdrew;
    ``erased``: only those erased at their author's request)."""
    stmt = (
        select(func.count()).select_from(Contribution).where(Contribution.consultation_id == consultation_id)
    )
    if withdrawn:
        stmt = stmt.where(col(Contribution.withdrawn_import_id).is_not(None))
    if erased:
        stmt = stmt.where(col(Contribution.erasure_id).is_not(None))
    return session.exec(stmt).one()


def list_contributions(*, session: Session, consultation_id: int) -> list[Contribution]:
    stmt = (
        select(Contribution)
        .where(Contribution.consultation_id == consultation_id)
        .order_by(col(Contribution.id))
    )
    return list(session.exec(stmt))


def list_imports(*, session: Session, consultation_id: int) -> list[Import]:
    """The consultation's imports, oldest first."""
    stmt = select(Import).where(Import.consultation_id == consultation_id).order_by(col(Import.id))
    return list(session.exec(stmt))


def get_contribution(*, session: Session, tenant_id: int, contribution_id: int) -> Contribution | None:
    row = session.get(Contribution, contribution_id) if _is_id(contribution_id) else None
    if (
        row is None
        or get_consultation(session=session, tenant_id=tenant_id, consultation_id=row.consultation_id) is None
    ):
        return None
    return row


def list_contribution_versions(*, session: Session, contribution_id: int) -> list[ContributionVersion]:
    stmt = (
        select(ContributionVersion)
        .where(ContributionVersion.contribution_id == contribution_id)
        .order_by(col(ContributionVersion.version))
    )
    return list(session.exec(stmt))


def create_run(
    *, session: Session, consultation_id: int, settings: dict[str, Any], carry_review_from: int | None
) -> Run:
    run = Run(consultation_id=consultation_id, settings=settings, carry_review_from=carry_review_from)
    session.add(run)
    session.commit()
    session.refresh(run)
    return run


def lock_run(*, session: Session, run_id: int) -> Run | None:
    """Run ``run_id`` read afresh and locked until the caller's transaction ends: a second writer waits, then
    reads what the first one stored. PostgreSQL locks the row (``SELECT ... FOR UPDATE``); SQLite has no
    ``FOR UPDATE`` (SQLAlchemy leaves it out, and reads take no lock), so a no-op write takes the database's
    write lock first."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Run).where(col(Run.id) == run_id).values(id=Run.id))
    stmt = select(Run).where(col(Run.id) == run_id).with_for_update()
    return session.exec(stmt.execution_options(populate_existing=True)).first()


def get_run(*, session: Session, tenant_id: int, run_id: int) -> Run | None:
    run = session.get(Run, run_id) if _is_id(run_id) else None
    if (
        run is None
        or get_consultation(session=session, tenant_id=tenant_id, consultation_id=run.consultation_id) is None
    ):
        return None
    return run


def list_runs(*, session: Session, consultation_id: int) -> list[Run]:
    return list(session.exec(select(Run).where(Run.consultation_id == consultation_id).order_by(col(Run.id))))


def get_theme(*, session: Session, run_id: int, cluster_id: str) -> Theme | None:
    return session.exec(select(Theme).where(Theme.run_id == run_id, Theme.cluster_id == cluster_id)).first()


def list_themes(*, session: Session, run_id: int) -> list[Theme]:
    return list(session.exec(select(Theme).where(Theme.run_id == run_id).order_by(col(Theme.id))))


def theme_label(*, session: Session, run: Run, cluster_id: str, version: str = "reviewed") -> str | None:
    """Label of a theme in the reviewed (``themes`` table) or automatic (stored report) version, or None."""
    if version == "reviewed":
        theme = get_theme(session=session, run_id=run.id, cluster_id=cluster_id)
        return theme.label if theme is not None else None
    if run.report is None:
        return None
    from schemas import Report

    report = Report.model_validate_json(run.report)
    return next(
        (cl.label for q in report.questions for cl in q.clusters if cl.cluster_id == cluster_id), None
    )


# A placed contribution with the text its run read: a later import may have changed the contribution's text
# (the run's text is then one of its previous versions, as the run's report shows it).
Placed = tuple[Assignment, Contribution, str]


def _placed(where: Sequence[Any]) -> SelectOfScalar[Any]:
    run_text = func.coalesce(ContributionVersion.text, Contribution.text)
    return (
        select(Assignment, Contribution, run_text)  # type: ignore[call-overload]
        .join(Contribution, col(Contribution.id) == Assignment.contribution_id)
        .outerjoin(
            ContributionVersion,
            (col(ContributionVersion.contribution_id) == Assignment.contribution_id)
            & (col(ContributionVersion.version) == Assignment.text_version),
        )
        .where(*where)
    )


def list_members(
    *, session: Session, run_id: int, cluster_id: str, offset: int, limit: int, automatic: bool = False
) -> tuple[list[Placed], int]:
    """One page of a theme's members (after review, or as first produced), strongest first (the version's
    strength: ``auto_strength`` with ``automatic``), then by id."""
    column = Assignment.auto_cluster_id if automatic else Assignment.cluster_id
    where = (Assignment.run_id == run_id, column == cluster_id)
    count = session.exec(select(func.count()).select_from(Assignment).where(*where)).one()
    strength = (
        func.coalesce(Assignment.auto_strength, Assignment.strength) if automatic else Assignment.strength
    )
    stmt = _placed(where).order_by(strength.desc(), col(Assignment.id)).offset(offset).limit(limit)
    return [(a, c, text) for a, c, text in session.exec(stmt)], count


def list_assignments(*, session: Session, run_id: int) -> list[Placed]:
    stmt = _placed((Assignment.run_id == run_id,)).order_by(col(Contribution.id))
    return [(a, c, text) for a, c, text in session.exec(stmt)]


def list_contribution_assignments(*, session: Session, contribution_id: int) -> list[Assignment]:
    stmt = (
        select(Assignment)
        .where(Assignment.contribution_id == contribution_id)
        .order_by(col(Assignment.run_id))
    )
    return list(session.exec(stmt))


def list_flags(
    *, session: Session, run_id: int, contribution_ids: Sequence[int] | None = None
) -> dict[int, list[str]]:
    """Flags per contribution id (all of the run's, or only those of ``contribution_ids``)."""
    stmt = select(Flag).where(Flag.run_id == run_id)
    if contribution_ids is not None:
        stmt = stmt.where(col(Flag.contribution_id).in_(list(contribution_ids)))
    out: dict[int, list[str]] = {}
    for f in session.exec(stmt.order_by(col(Flag.id))):
        out.setdefault(f.contribution_id, []).append(f.flag)
    return out


def list_review_actions(*, session: Session, run_id: int) -> list[ReviewAction]:
    stmt = select(ReviewAction).where(ReviewAction.run_id == run_id).order_by(col(ReviewAction.id))
    return list(session.exec(stmt))


def count_review_actions(*, session: Session, run_id: int) -> int:
    stmt = select(func.count()).select_from(ReviewAction).where(ReviewAction.run_id == run_id)
    return session.exec(stmt).one()


def delete_consultation(*, session: Session, consultation: Consultation) -> None:
    """Delete a consultation and everything derived from it (RGPD), in one transaction."""
    cid = consultation.id
    run_ids = select(Run.id).where(Run.consultation_id == cid)
    contribution_ids = select(Contribution.id).where(Contribution.consultation_id == cid)
    try:
        lock_consultation(session=session, consultation_id=cid)  # an import under way ends first
        _forget_vectors(session, cid, contribution_ids)
        for table in (ReviewAction, Flag, Assignment, Theme):
            session.execute(delete(table).where(col(table.run_id).in_(run_ids)))
        session.execute(delete(Run).where(Run.consultation_id == cid))
        session.execute(
            delete(ContributionVersion).where(col(ContributionVersion.contribution_id).in_(contribution_ids))
        )
        session.execute(delete(Contribution).where(Contribution.consultation_id == cid))
        session.execute(delete(Erasure).where(Erasure.consultation_id == cid))
        session.execute(delete(Import).where(Import.consultation_id == cid))
        session.delete(consultation)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _forget_vectors(session: Session, consultation_id: int, contribution_ids: SelectOfScalar[Any]) -> None:
    """Delete what the embedding cache derived from a consultation's texts (RGPD): the vectors of every form
    of its texts, current and previous, that a run may have embedded (``synthesis.pipeline.embedded_texts``:
    e-mails cut out or not, normalised, read in lower case when written in capitals), for every model its runs
    used; and every stored k-NN search, whose keys (hashes of vectors) cannot be traced back to a
    consultation. Other consultations sharing a text embed it again, to the same vector: each text is
    embedded independently of what the cache holds (``synthesis.embed``). A run still embedding forgets what
    it stored after this, once it finds its consultation gone (``service.jobs.tasks``)."""
    texts = set(
        session.exec(select(Contribution.text).where(Contribution.consultation_id == consultation_id))
    )
    texts |= set(
        session.exec(
            select(ContributionVersion.text).where(
                col(ContributionVersion.contribution_id).in_(contribution_ids)
            )
        )
    )
    models = {
        model_id(run) for run in session.exec(select(Run).where(Run.consultation_id == consultation_id))
    }
    forget_texts(session=session, texts=texts, model_ids={m for m in models if m is not None})


def forget_texts(*, session: Session, texts: Iterable[str], model_ids: set[str]) -> None:
    """Delete the cached vectors of every form of ``texts`` a run embeds with ``model_ids`` and every stored
    k-NN search (see :func:`_forget_vectors`); the caller commits."""
    from synthesis.embed import text_key
    from synthesis.prepare import lowered_if_shouted, mask_pii, normalise_text

    forms = {normalise_text(t) for text in texts for t in (text, mask_pii(text))}
    forms |= {lowered_if_shouted(f) for f in forms}
    keys = sorted(text_key(m, f) for m in model_ids for f in forms)
    for start in range(0, len(keys), 500):
        session.execute(
            delete(StoredEmbedding).where(col(StoredEmbedding.key).in_(keys[start : start + 500]))
        )
    if model_ids:
        session.execute(delete(StoredKnn))


def model_id(run: Run) -> str | None:
    """The embedding model id of ``run``: its report's, else the one its settings name (None if unknown)."""
    import json

    if run.report:
        return str(json.loads(run.report)["manifest"]["embedder"]["model_id"])
    name, model = run.settings.get("embedder", "use-multilingual"), run.settings.get("embedder_model")
    if name == "use-multilingual":
        from synthesis.embed.use_multilingual import MODEL_ID

        return MODEL_ID
    if name == "sentence-transformers":
        from synthesis.embed.sentence_transformers import DEFAULT_MODEL

        return str(model or DEFAULT_MODEL)
    return None


def get_published_run(*, session: Session, token: str) -> Run | None:
    """The run published under ``token`` (the link's secret), whatever its tenant; None when unknown."""
    digest = hash_api_key(token)
    return session.exec(select(Run).where(Run.public_token_sha256 == digest)).first()


def publish_run(*, session: Session, run: Run) -> str:
    """Give ``run`` a new public link token (any earlier link stops working); returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    run.public_token_sha256 = hash_api_key(token)
    session.add(run)
    session.commit()
    return token


def unpublish_run(*, session: Session, run: Run) -> None:
    run.public_token_sha256 = None
    session.add(run)
    session.commit()
