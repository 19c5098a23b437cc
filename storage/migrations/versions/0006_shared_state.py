"""shared state for several workers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 20:16:22.934552
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('chat_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chat_lines', schema=None) as batch_op:
        batch_op.create_index('ix_chat_lines', ['chat_id', 'kind', 'id'], unique=False)

    op.create_table('member_stamps',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member_stamps', schema=None) as batch_op:
        batch_op.create_index('ix_member_stamps', ['chat_id', 'kind', 'at'], unique=False)

    op.create_table('raid_modes',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id')
    )
    with op.batch_alter_table('recent_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_key', sa.LargeBinary(length=8), nullable=True))
        batch_op.create_index('ix_recent_sender', ['user_id', 'at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('recent_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_recent_sender')
        batch_op.drop_column('text_key')

    op.drop_table('raid_modes')
    with op.batch_alter_table('member_stamps', schema=None) as batch_op:
        batch_op.drop_index('ix_member_stamps')

    op.drop_table('member_stamps')
    with op.batch_alter_table('chat_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_chat_lines')

    op.drop_table('chat_lines')

