"""conversation turns: what their outcome was about (the claim type of a filed claim)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 00:40:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add conversation_turns.detail."""
    with op.batch_alter_table("conversation_turns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=40), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("conversation_turns", schema=None) as batch_op:
        batch_op.drop_column("detail")
