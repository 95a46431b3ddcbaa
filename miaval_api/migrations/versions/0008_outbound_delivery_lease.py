"""outbound delivery: the courier's lease and back-off, when the text was sent, when the news went by e-mail

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add available_at, sent_at and emailed_at to outbound_messages."""
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("available_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbound_messages_available_at"), ["available_at"], unique=False)


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_messages_available_at"))
        batch_op.drop_column("emailed_at")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("available_at")
