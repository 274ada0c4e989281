"""An import may be the whole export of its file (``mode="replace"``): the contributions of that file it no longer
holds (removed by moderation, erased at a participant's request) are withdrawn, and later runs exclude them with
the reason; older runs keep reading them

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "mode", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="merge"
            )
        )
        batch_op.add_column(sa.Column("withdrawn", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        # a column of NULLs added in place: batch mode would rebuild the contributions table, which other rows
        # reference (and which may hold millions of rows)
        op.execute("ALTER TABLE contributions ADD COLUMN withdrawn_import_id INTEGER REFERENCES imports (id)")
        return
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_contributions_withdrawn_import_id_imports", "imports", ["withdrawn_import_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite: the rebuilt table has no column, hence no key
            batch_op.drop_constraint("fk_contributions_withdrawn_import_id_imports", type_="foreignkey")
        batch_op.drop_column("withdrawn_import_id")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("withdrawn")
        batch_op.drop_column("mode")
