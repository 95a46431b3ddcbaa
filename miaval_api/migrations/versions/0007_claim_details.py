"""claims say who was driving, the witnesses, whether the vehicle can be driven, and whether the time is known

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:30:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add claims.driver, witnesses, vehicle_drivable and occurred_time_known (existing claims: time known)."""
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("driver", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("witnesses", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("vehicle_drivable", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("occurred_time_known", sa.Boolean(), nullable=True))
    op.execute("UPDATE claims SET occurred_time_known = TRUE")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.alter_column("occurred_time_known", existing_type=sa.Boolean(), nullable=False)


def downgrade() -> None:
    """Drop the four columns."""
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for column in ("occurred_time_known", "vehicle_drivable", "witnesses", "driver"):
            batch_op.drop_column(column)
