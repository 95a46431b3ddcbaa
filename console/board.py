"""The board ("Tablero", supervisors): the service's figures in charts, each with its table and a CSV.

The figures come from conversation_facts.board; the page draws them with
Chart.js (vendored into console/static/vendor/ by scripts/bootstrap.sh) from
the numbers the page's tables show, so a chart never says more than its table.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request

from console import copy
from console.web import area, db, settings
from conversation_facts import board
from miaval_api.services import clock
from miaval_api.services.office_hours import from_portfolio

bp = Blueprint("board", __name__, url_prefix="/tablero")


def _window() -> board.Window:
    days = request.args.get("dias", 30, type=int)
    if days not in board.WINDOWS:
        days = 30
    hours = from_portfolio()
    return board.Window(today=clock.today(settings()), days=days, zone=hours.zone)  # type: ignore[arg-type]


def _charts(window: board.Window) -> list[board.Chart]:
    with db() as session:
        return board.build(session, window, from_portfolio(), copy.REASONS, copy.CLAIM_TYPES)


@bp.get("/")
@area("board")
def index() -> str:
    window = _window()
    return render_template("board.html", title="Tablero", charts=_charts(window), window=window,
                           windows=board.WINDOWS)  # fmt: skip


@bp.get("/<key>.csv")
@area("board")
def chart_csv(key: str) -> Response:
    window = _window()
    chart = next((chart for chart in _charts(window) if chart.key == key), None)
    if chart is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(chart.columns)
    writer.writerows(["" if value is None else value for value in row] for row in chart.rows)
    name = f"tablero-{key}-{window.days}d-{window.today.isoformat()}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
