"""document discussion topic

Revision ID: 3fcbade2bdea
Revises: f4020ded6b78
Create Date: 2026-12-01 14:22:13.606063
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3fcbade2bdea"
down_revision: str | None = "f4020ded6b78"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_document_topic_id"), ["topic_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_document_topic_id_topic"),
            "topic",
            ["topic_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_document_topic_id_topic"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_document_topic_id"))
        batch_op.drop_column("topic_id")
