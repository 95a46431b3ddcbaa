"""conversation facts: consumed events, per-turn facts, the review queue, satisfaction answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 00:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create consumed_events, conversation_turns, review_items and satisfaction_answers."""
    op.create_table(
        "consumed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_consumed_events")),
    )
    op.create_index(op.f("ix_consumed_events_consumed_at"), "consumed_events", ["consumed_at"], unique=False)
    op.create_table(
        "conversation_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("form", sa.String(length=60), nullable=True),
        sa.Column("step", sa.String(length=60), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_turns")),
    )
    op.create_index(op.f("ix_conversation_turns_at"), "conversation_turns", ["at"], unique=False)
    op.create_index(op.f("ix_conversation_turns_conversation"), "conversation_turns", ["conversation"], unique=False)
    op.create_index(op.f("ix_conversation_turns_outcome"), "conversation_turns", ["outcome"], unique=False)
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("conversation", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("predicted_intent", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=80), nullable=True),
        sa.Column("example", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_out", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["conversation_turns.id"], name=op.f("fk_review_items_turn_id_conversation_turns"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    op.create_index(op.f("ix_review_items_at"), "review_items", ["at"], unique=False)
    op.create_index(op.f("ix_review_items_conversation"), "review_items", ["conversation"], unique=False)
    op.create_index(op.f("ix_review_items_status"), "review_items", ["status"], unique=False)
    op.create_table(
        "satisfaction_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_answers")),
    )
    op.create_index(op.f("ix_satisfaction_answers_at"), "satisfaction_answers", ["at"], unique=False)
    op.create_index(
        op.f("ix_satisfaction_answers_conversation"), "satisfaction_answers", ["conversation"], unique=False
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("satisfaction_answers")
    op.drop_table("review_items")
    op.drop_table("conversation_turns")
    op.drop_table("consumed_events")
