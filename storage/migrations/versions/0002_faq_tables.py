"""faq tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 17:29:47.634046
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('faq_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.String(length=40), nullable=False),
    sa.Column('question_message_id', sa.BigInteger(), nullable=False),
    sa.Column('asker_id', sa.BigInteger(), nullable=False),
    sa.Column('answer_message_id', sa.BigInteger(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('helpful', sa.BigInteger(), nullable=False),
    sa.Column('not_helpful', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('faq_answers', schema=None) as batch_op:
        batch_op.create_index('ix_faq_answers_chat_entry', ['chat_id', 'entry_id', 'at'], unique=False)

    op.create_table('faq_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('updated_by', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('faq_vectors',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('faq_votes',
    sa.Column('answer_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('answer_id', 'user_id')
    )
    op.create_table('questions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('thread_id', sa.BigInteger(), nullable=True),
    sa.Column('asker_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entry_id', sa.String(length=40), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_open', ['status', 'asked_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_open')

    op.drop_table('questions')
    op.drop_table('faq_votes')
    op.drop_table('faq_vectors')
    op.drop_table('faq_entries')
    with op.batch_alter_table('faq_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_answers_chat_entry')

    op.drop_table('faq_answers')
    
