"""Erasures at a participant's request (RGPD art. 17): the audit trail (``erasures``), the tombstone of each erased
contribution (``contributions.erasure_id``) and the rows of a re-import skipped as erased (``imports.erased``)

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("key_prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.Column("runs", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"]),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasures_consultation_id"), ["consultation_id"], unique=False)
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        # a column of NULLs added in place (as 0009's): batch mode would rebuild the contributions table
        op.execute("ALTER TABLE contributions ADD COLUMN erasure_id INTEGER REFERENCES erasures (id)")
        return
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erasure_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_contributions_erasure_id_erasures", "erasures", ["erasure_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite: the rebuilt table has no column, hence no key
            batch_op.drop_constraint("fk_contributions_erasure_id_erasures", type_="foreignkey")
        batch_op.drop_column("erasure_id")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("erased")
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_consultation_id"))
    op.drop_table("erasures")
