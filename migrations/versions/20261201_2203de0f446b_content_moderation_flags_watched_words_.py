"""content moderation: flags, watched words, settings, post and topic state

Revision ID: 2203de0f446b
Revises: 2175e044028d
Create Date: 2026-12-01 22:13:55.772794
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = "2203de0f446b"
down_revision: str | None = "2175e044028d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the new non-null columns of existing posts and topics.
    op.create_table(
        "moderation_setting",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("flags_to_hide", sa.Integer(), nullable=False),
        sa.Column("new_member_hold", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_moderation_setting_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", name=op.f("pk_moderation_setting")),
    )
    op.create_table(
        "watched_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column(
            "action",
            sa.Enum("block", "hold", "flag", name="watchedaction", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_watched_word_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_watched_word_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_word")),
        sa.UniqueConstraint("network_id", "word", name=op.f("uq_watched_word_network_id_word")),
    )
    with op.batch_alter_table("watched_word", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watched_word_network_id"), ["network_id"], unique=False
        )

    op.create_table(
        "moderation_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "off_topic",
                "inappropriate",
                "spam",
                "breaks_charter",
                "other",
                "watched_word",
                name="flagreason",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_moderation_flag_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["post.id"],
            name=op.f("fk_moderation_flag_post_id_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user.id"],
            name=op.f("fk_moderation_flag_resolved_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_moderation_flag_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_flag")),
    )
    with op.batch_alter_table("moderation_flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_moderation_flag_network_open", ["network_id", "resolved_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_moderation_flag_post_id"), ["post_id"], unique=False)

    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("hidden_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("deleted_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("staff_edit_reason", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_post_deleted_by_id_user"),
            "user",
            ["deleted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_post_hidden_by_id_user"),
            "user",
            ["hidden_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("hidden_at", app.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("slow_mode_minutes", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_topic_merged_into_id_topic"),
            "topic",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_topic_merged_into_id_topic"), type_="foreignkey")
        batch_op.drop_column("slow_mode_minutes")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("archived_at")

    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_post_hidden_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_post_deleted_by_id_user"), type_="foreignkey")
        batch_op.drop_column("staff_edit_reason")
        batch_op.drop_column("deleted_reason")
        batch_op.drop_column("deleted_by_id")
        batch_op.drop_column("held")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_by_id")

    with op.batch_alter_table("moderation_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_flag_post_id"))
        batch_op.drop_index("ix_moderation_flag_network_open")

    op.drop_table("moderation_flag")
    with op.batch_alter_table("watched_word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watched_word_network_id"))

    op.drop_table("watched_word")
    op.drop_table("moderation_setting")
    # ### end Alembic commands ###
