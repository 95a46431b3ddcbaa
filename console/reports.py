"""Producers' reports: a producer sees only the clients they placed (a supervisor picks the producer)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from flask import Blueprint, Response, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import access, audit, copy
from console.web import area, db, me, settings
from miaval_api.services import clock
from models import Claim, ClientProfile, Insurer, Policy, Producer, StaffMember

bp = Blueprint("reports", __name__, url_prefix="/reportes")
HORIZONS = (30, 60, 90)


@dataclass(frozen=True)
class Report:
    """What a producer's report shows."""

    producer: Optional[Producer]
    by_insurer_and_line: list[tuple[str, str, int]]
    expiring: dict[int, list[tuple[Policy, ClientProfile, Insurer]]]
    claims_by_status: list[tuple[str, int]]
    policies: list[tuple[Policy, ClientProfile, Insurer]]
    claims: list[tuple[Claim, Policy, ClientProfile]]
    today: date


def _producer_id(staff: StaffMember) -> Optional[int]:
    asked = request.args.get("productor", type=int)
    return access.report_producer_id(staff, asked)


def build(session: Session, staff: StaffMember, producer_id: Optional[int], today: date) -> Report:
    """The report on ``producer_id``'s clients as ``staff`` may see it (nothing outside their own clients)."""
    visible = access.may_see_client(staff, producer_id)
    policies = [
        (policy, client, insurer)
        for policy, client, insurer in session.execute(
            select(Policy, ClientProfile, Insurer)
            .join(ClientProfile, ClientProfile.id == Policy.client_id)
            .join(Insurer, Insurer.id == Policy.insurer_id)
            .where(visible)
            .order_by(Policy.end_date, Policy.number)
        )
    ]
    by_insurer_and_line: dict[tuple[str, str], int] = {}
    for policy, _client, insurer in policies:
        if policy.status == "active":
            key = (insurer.name, policy.line)
            by_insurer_and_line[key] = by_insurer_and_line.get(key, 0) + 1
    expiring = {
        days: [
            row for row in policies
            if row[0].status == "active" and today <= row[0].end_date <= today + timedelta(days=days)
        ]
        for days in HORIZONS
    }  # fmt: skip
    claims_by_status = [
        (status, count)
        for status, count in session.execute(
            select(Claim.status, func.count())
            .join(Policy, Policy.id == Claim.policy_id)
            .join(ClientProfile, ClientProfile.id == Policy.client_id)
            .where(visible)
            .group_by(Claim.status)
            .order_by(Claim.status)
        )
    ]
    claims = [
        (claim, policy, client)
        for claim, policy, client in session.execute(
            select(Claim, Policy, ClientProfile)
            .join(Policy, Policy.id == Claim.policy_id)
            .join(ClientProfile, ClientProfile.id == Policy.client_id)
            .where(visible)
            .order_by(Claim.created_at.desc())
        )
    ]
    return Report(
        producer=session.get(Producer, producer_id) if producer_id else None,
        by_insurer_and_line=[(insurer, line, count) for (insurer, line), count in sorted(by_insurer_and_line.items())],
        expiring=expiring,
        claims_by_status=claims_by_status,
        policies=policies,
        claims=claims,
        today=today,
    )


@bp.get("/")
@area("reports")
def index() -> str:
    """The report page (a supervisor first picks a producer)."""
    staff = me()
    producer_id = _producer_id(staff)
    with db(write=True) as writing:
        producers = list(writing.scalars(select(Producer).order_by(Producer.name))) if staff.role != "producer" else []
        report = build(writing, staff, producer_id, clock.today(settings()))  # type: ignore[arg-type]
        audit.record(writing, staff.id, "report_view", f"producer:{producer_id}")
    return render_template(
        "reports.html", title="Reportes", report=report, producers=producers, producer_id=producer_id,
        horizons=HORIZONS,
    )  # fmt: skip


@bp.get("/<kind>.csv")
@area("reports")
def download(kind: str) -> Response:
    """The producer's policies (``polizas.csv``) or claims (``denuncias.csv``) as CSV."""
    staff = me()
    producer_id = _producer_id(staff)
    if kind not in ("polizas", "denuncias"):
        return Response("No existe ese reporte.", status=404, mimetype="text/plain")
    with db(write=True) as writing:
        report = build(writing, staff, producer_id, clock.today(settings()))  # type: ignore[arg-type]
        audit.record(writing, staff.id, "report_csv", f"producer:{producer_id}", kind=kind)
    out = io.StringIO()
    writer = csv.writer(out)
    if kind == "polizas":
        writer.writerow(["cliente", "poliza", "aseguradora", "ramo", "estado", "vigencia_desde", "vigencia_hasta",
                         "dias_para_vencer"])  # fmt: skip
        for policy, client, insurer in report.policies:
            writer.writerow([
                safe_cell(client.name), policy.number, insurer.name, copy.LINES.get(policy.line, policy.line),
                copy.POLICY_STATUSES.get(policy.status, policy.status), policy.start_date.isoformat(),
                policy.end_date.isoformat(), (policy.end_date - report.today).days,
            ])  # fmt: skip
    else:
        writer.writerow(["denuncia", "cliente", "poliza", "tipo", "estado", "fecha"])
        for claim, policy, client in report.claims:
            writer.writerow([
                claim.number, safe_cell(client.name), policy.number, copy.CLAIM_TYPES.get(claim.type, claim.type),
                copy.CLAIM_STATUSES.get(claim.status, claim.status), claim.occurred_at.date().isoformat(),
            ])  # fmt: skip
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename=f"{kind}.csv")
    return response


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
