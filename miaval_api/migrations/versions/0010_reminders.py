"""reminders: instalments, paused kinds of reminder, an outbox row's buttons, subject and reminder day (one a day)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 00:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create instalments and reminder_pauses; add buttons, subject and reminder_day to outbound_messages."""
    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_instalments_policy_id_policies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
        sa.UniqueConstraint("policy_id", "number", name=op.f("uq_instalments_policy_id_number")),
    )
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instalments_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_instalments_due_date"), ["due_date"], unique=False)
    op.create_table(
        "reminder_pauses",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("paused_by", sa.Integer(), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_reminder_pauses")),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("reminder_day", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbound_messages_user_id_reminder_day"), ["user_id", "reminder_day"]
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outbound_messages_user_id_reminder_day"), type_="unique")
        batch_op.drop_column("reminder_day")
        batch_op.drop_column("subject")
        batch_op.drop_column("buttons")
    op.drop_table("reminder_pauses")
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instalments_due_date"))
        batch_op.drop_index(batch_op.f("ix_instalments_policy_id"))
    op.drop_table("instalments")
