"""The review queue (trainers and supervisors): what the assistant misunderstood, masked, and what it meant.

Each open message shows the assistant's words before and after it; one form
gives it an intent and a training example (Rasa's annotation syntax), another
marks it as noise. "Exportar" writes the annotated examples to the training data
and the held-out set (conversation_facts/review.py, as `make review-export`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from console import audit
from console.web import area, db, me, settings
from conversation_facts import review
from miaval_api.services import clock
from miaval_api.services.office_hours import from_portfolio
from models import ReviewItem

bp = Blueprint("review", __name__, url_prefix="/revision")
REASONS = {
    "fallback": "El asistente no entendió",
    "low_confidence": "Entendió con poca seguridad",
    "before_handoff": "Antes de pedir una persona",
}


@bp.get("/")
@area("review")
def queue() -> str:
    with db() as session:
        groups = review.groups(session)
        annotated = session.query(ReviewItem).filter(ReviewItem.status == "annotated").count()
    zone = from_portfolio().zone
    return render_template("review.html", title="Revisión de mensajes", groups=groups, intents=review.intents(),
                           reasons=REASONS, annotated=annotated, local=lambda at: at.astimezone(zone))  # fmt: skip


def _open_item(session, item_id: int) -> ReviewItem:
    item = session.get(ReviewItem, item_id)
    if item is None:
        abort(404)
    return item


@bp.post("/<int:item_id>/intencion")
@area("review")
def annotate(item_id: int) -> Response:
    with db(write=True) as writing:
        item = _open_item(writing, item_id)
        if item.status != "open":
            flash("Ese mensaje ya fue revisado.", "warn")
            return redirect(url_for("review.queue"))
        try:
            example = review.annotate(writing, item, request.form.get("intent", ""),
                                      request.form.get("example", "")[:1000], me().id, clock.now())  # fmt: skip
        except review.InvalidAnnotation as invalid:
            writing.rollback()
            flash(str(invalid), "error")
            return redirect(url_for("review.queue") + f"#mensaje-{item_id}")
        audit.record(writing, me().id, "review_annotate", f"review:{item_id}", intent=item.intent)
    flash(f"Listo: «{example}» queda como {item.intent}.", "ok")
    return redirect(url_for("review.queue"))


@bp.post("/<int:item_id>/ruido")
@area("review")
def noise(item_id: int) -> Response:
    with db(write=True) as writing:
        item = _open_item(writing, item_id)
        if item.status == "open":
            review.mark_noise(writing, item, me().id, clock.now())
            audit.record(writing, me().id, "review_noise", f"review:{item_id}")
    flash("Marcado como ruido: no se usa para entrenar.", "ok")
    return redirect(url_for("review.queue"))


@bp.post("/exportar")
@area("review")
def export() -> Response:
    with db(write=True) as writing:
        done = review.export(writing, clock.now(), Path(settings().reviewed_nlu_file),
                             Path(settings().reviewed_heldout_file))  # fmt: skip
        audit.record(writing, me().id, "review_export", None, training=done.training, held_out=done.held_out)
    flash(f"Exportados: {done.training} ejemplos de entrenamiento y {done.held_out} de prueba "
          f"({done.skipped} ya estaban). Reentrená con `make retrain-check`.", "ok")  # fmt: skip
    return redirect(url_for("review.queue"))
