"""The version of its contribution a run analysed, so an older run shows the text it read after a new import;
the automatic strength, kept when the review moves a member

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("auto_strength", sa.Float(), nullable=True))
    # until now the review never changed a strength: every stored one is the automatic one
    op.execute("UPDATE assignments SET auto_strength = strength")


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("auto_strength")
        batch_op.drop_column("text_version")
