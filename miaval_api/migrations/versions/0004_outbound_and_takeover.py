"""messages Aval sends unasked (outbound_messages), who took a handoff, customers who stopped news

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create outbound_messages; add handoff_requests.taken_by/taken_at/closed_at and users.news_opt_out."""
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("delivered_via", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_outbound_messages_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbound_messages_key")),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_messages_sender_id"), ["sender_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_messages_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_messages_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("news_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("news_opt_out")
    with op.batch_alter_table("handoff_requests", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("taken_at")
        batch_op.drop_column("taken_by")
    op.drop_table("outbound_messages")
