"""the staff console: staff accounts, producers (PAS) and their clients, the staff audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create producers, staff_members and staff_audit_log; add client_profiles.producer_id."""
    op.create_table(
        "producers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("license", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_producers")),
        sa.UniqueConstraint("key", name=op.f("uq_producers_key")),
    )
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producers.id"], name=op.f("fk_staff_members_producer_id_producers"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_members")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_members_email")),
    )
    with op.batch_alter_table("staff_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_members_producer_id"), ["producer_id"], unique=False)
    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit_log")),
    )
    with op.batch_alter_table("staff_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_audit_log_staff_id"), ["staff_id"], unique=False)
    with op.batch_alter_table("client_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("producer_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_client_profiles_producer_id"), ["producer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_client_profiles_producer_id_producers"),
            "producers",
            ["producer_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("client_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_client_profiles_producer_id_producers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_client_profiles_producer_id"))
        batch_op.drop_column("producer_id")
    op.drop_table("staff_audit_log")
    op.drop_table("staff_members")
    op.drop_table("producers")
