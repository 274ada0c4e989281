"""The author (pseudonym) of its contribution a run read, so a review of an older run counts its authors, and its
exports name them, as the run read them after a new import changed them

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("author_ref", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
    # the runs stored before it read authors no one kept: the contributions' present ones are the best known
    op.execute(
        "UPDATE assignments SET author_ref = "
        "(SELECT author_ref FROM contributions WHERE contributions.id = assignments.contribution_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("author_ref")
