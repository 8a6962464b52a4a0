"""search outbox and postgres search documents

Revision ID: f4020ded6b78
Revises: 37968736a5a4
Create Date: 2026-12-01 11:43:28.669370
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = 'f4020ded6b78'
down_revision: str | None = '37968736a5a4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL full-text search (app/search/postgres_backend.py): the French configuration
# with unaccent before the stemmer, and an unstemmed one for exact words and prefixes.
POSTGRES_TEXT_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION maillage_french (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION maillage_french "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "CREATE TEXT SEARCH DICTIONARY maillage_simple (TEMPLATE = simple, StopWords = french)",
    "CREATE TEXT SEARCH CONFIGURATION maillage_exact (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION maillage_exact "
    "ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part "
    "WITH unaccent, maillage_simple",
]


def upgrade() -> None:
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in POSTGRES_TEXT_SEARCH:
        op.execute(statement)
    op.create_table('search_document',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sa.String(length=80), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('participant_ids', postgresql.ARRAY(sa.Integer()), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=80), nullable=False),
    sa.Column('category_label', sa.String(length=200), nullable=False),
    sa.Column('tags', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('status', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('title_tsv', postgresql.TSVECTOR(), nullable=False),
    sa.Column('document_tsv', postgresql.TSVECTOR(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_document'))
    )
    op.create_index('ix_search_document_network_id', 'search_document', ['network_id'])
    op.create_index('ix_search_document_created_at', 'search_document', ['created_at'])
    op.create_index('ix_search_document_title_tsv', 'search_document', ['title_tsv'], postgresql_using='gin')
    op.create_index('ix_search_document_document_tsv', 'search_document', ['document_tsv'], postgresql_using='gin')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table('search_document')
        op.execute("DROP TEXT SEARCH CONFIGURATION maillage_exact")
        op.execute("DROP TEXT SEARCH DICTIONARY maillage_simple")
        op.execute("DROP TEXT SEARCH CONFIGURATION maillage_french")
    op.drop_table('search_outbox')
