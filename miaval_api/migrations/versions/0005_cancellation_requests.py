"""cancellation requests: recorded by the assistant, confirmed in writing by the insured, done by an executive

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 12:45:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create cancellation_requests."""
    op.create_table(
        "cancellation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmation_filename", sa.String(length=200), nullable=True),
        sa.Column("confirmation_content_type", sa.String(length=80), nullable=True),
        sa.Column("confirmation", sa.LargeBinary(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_cancellation_requests_policy_id_policies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cancellation_requests_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancellation_requests")),
    )
    with op.batch_alter_table("cancellation_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cancellation_requests_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cancellation_requests_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cancellation_requests_status"), ["status"], unique=False)


def downgrade() -> None:
    """Drop cancellation_requests."""
    op.drop_table("cancellation_requests")
