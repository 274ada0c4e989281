"""k-NN searches dated: the oldest are deleted beyond synthesis.embed.cache.KNN_KEEP_BYTES

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("knn_searches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "created_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default=sa.func.current_timestamp(),  # searches stored before this revision
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("knn_searches", schema=None) as batch_op:
        batch_op.drop_column("created_at")
