"""chat identities remember when they were last used (idle chats must sign in again)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add chat_identities.last_used_at; an existing identity counts as used when it was tied."""
    with op.batch_alter_table("chat_identities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE chat_identities SET last_used_at = created_at")
    with op.batch_alter_table("chat_identities", schema=None) as batch_op:
        batch_op.alter_column("last_used_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    """Drop chat_identities.last_used_at."""
    with op.batch_alter_table("chat_identities", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
