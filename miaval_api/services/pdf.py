"""PDF documents: the coverage certificate and the claim receipt (fpdf2, core fonts)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any, Iterable

from fpdf import FPDF

from insurance_rules import VEHICLE_LINES, insured_item

LINE_NAMES = {
    "auto": "Automotor",
    "motorcycle": "Motovehículo",
    "home": "Hogar",
    "business": "Integral de comercio",
    "building": "Integral de consorcio",
    "life": "Vida",
    "personal_accident": "Accidentes personales",
}
CLAIM_TYPES = {
    "collision": "Choque",
    "theft": "Robo",
    "hail": "Granizo",
    "glass": "Cristales",
    "fire": "Incendio",
    "water_damage": "Daños por agua",
    "other": "Otro",
}
# The third party's data in the claim receipt, in the order they are printed.
THIRD_PARTY_FIELDS = {
    "vehicle": "Vehículo",
    "plate": "Patente",
    "name": "Nombre",
    "document": "Documento",
    "phone": "Teléfono",
    "insurer": "Aseguradora",
    "policy": "Póliza",
}
# What the insurer will ask for, by kind of loss (theft of a vehicle and of a place need different papers).
CLAIM_DOCUMENTS = {
    "collision": "registro de conducir y cédula del vehículo, denuncia de tránsito firmada, fotos de los daños, "
                 "y los datos y la póliza del tercero si lo hubo",
    "theft_vehicle": "denuncia policial, título del vehículo, cédula, todas las llaves y la denuncia de robo "
                     "ante el Registro del Automotor",
    "theft_property": "denuncia policial y facturas, fotos o cualquier comprobante de lo robado",
    "hail": "fotos de los daños y, si ya lo tenés, un presupuesto de reparación",
    "glass": "fotos del cristal dañado y la cédula del vehículo",
    "fire": "constancia de bomberos o denuncia policial, fotos de los daños y un presupuesto de reparación",
    "water_damage": "fotos de los daños y del origen de la pérdida, y un presupuesto o factura de reparación",
    "other": "fotos de lo ocurrido y cualquier comprobante que tengas",
}
NEXT_STEPS = (
    "Próximos pasos: la aseguradora analiza la denuncia y puede contactarte para pedir más datos o coordinar "
    "una inspección; tiene 30 días desde que recibe la información para pronunciarse (art. 56, Ley 17.418). "
    "Podés seguir el estado en el chat de Mi Aval con el número de siniestro."
)
TIME_APPROXIMATE = "hora aproximada"


def latin1(text: str) -> str:
    """Core PDF fonts speak Latin-1: keep Spanish letters, approximate the rest."""
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(
                plain or {"\u2014": "-", "\u2013": "-", "\u201c": '"', "\u201d": '"', "\u2019": "'"}.get(char, "?")
            )
    return "".join(out)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def moment(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_title(latin1(title))
        self.set_author("Mi Aval")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font("Helvetica", "B", 16)
        self.cell(0, 10, "Mi Aval", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "B", 13)
        self.cell(0, 9, latin1(title), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def rows(self, rows: Iterable[tuple[str, Any]]) -> None:
        for label, value in rows:
            if value in (None, "", {}):
                continue
            self.set_font("Helvetica", "B", 10)
            self.cell(55, 6, latin1(label), new_x="RIGHT", new_y="TOP")
            self.set_font("Helvetica", "", 10)
            self.multi_cell(0, 6, latin1(str(value)), new_x="LMARGIN", new_y="NEXT")

    def note(self, text: str) -> None:
        self.ln(4)
        self.set_font("Helvetica", "", 8)
        self.multi_cell(0, 4.5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def bytes(self) -> bytes:
        return bytes(self.output())


def insured_item_text(item: dict[str, Any]) -> str:
    """A one-line description of what a policy insures."""
    named = insured_item(item)
    if named.name and named.plate:
        return f"{named.name}, dominio {named.plate}"
    if named.is_vehicle:
        return named.name or f"Dominio {named.plate}"
    return named.address or ""


def claim_documents(claim_type: str, line: str) -> str:
    """The documents the insurer will ask for this kind of loss on this line."""
    if claim_type == "theft":
        return CLAIM_DOCUMENTS["theft_vehicle" if line in VEHICLE_LINES else "theft_property"]
    return CLAIM_DOCUMENTS.get(claim_type, CLAIM_DOCUMENTS["other"])


def documents_sentence(claim_type: str, line: str) -> str:
    """The sentence of the receipt (PDF and e-mail) listing the documents the insurer will ask for."""
    return f"Documentación que te va a pedir la aseguradora: {claim_documents(claim_type, line)}."


def insurer_contact(claim: dict[str, Any]) -> str:
    """How to reach the insurer's claims desk: phone and e-mail, whichever it has (from ``receipt_fields``)."""
    name, phone, email = claim["insurer_name"], claim.get("insurer_claims_phone"), claim.get("insurer_claims_email")
    if phone and email:
        return f"Siniestros de {name}: teléfono {phone}, e-mail {email}."
    if phone or email:
        return f"Siniestros de {name}: {phone or email}."
    return f"Siniestros de {name}: por el chat de Mi Aval te pasamos su contacto."


def occurred_text(when: datetime, time_known: bool) -> str:
    """When the loss happened; without an hour when none was said ("ayer", "anoche")."""
    return moment(when) if time_known else f"{day(when.date())}, {TIME_APPROXIMATE}"


def third_party_text(third: dict[str, Any]) -> str:
    """The third party's data in Spanish, only the fields that were given."""
    return " · ".join(f"{label}: {third[key]}" for key, label in THIRD_PARTY_FIELDS.items() if third.get(key))


def certificate(policy: dict[str, Any], issued_at: datetime) -> bytes:
    """The coverage certificate of a policy in force."""
    pdf = _Document("Certificado de cobertura")
    pdf.rows(
        [
            ("Póliza", policy["number"]),
            ("Aseguradora", policy["insurer_name"]),
            ("Asegurado", policy["client_name"]),
            ("Documento", policy.get("client_document")),
            ("Ramo", LINE_NAMES.get(policy["line"], policy["line"])),
            ("Cobertura", policy["coverage"]),
            ("Bien asegurado", insured_item_text(policy.get("insured_item") or {})),
            ("Vigencia", f"del {day(policy['start_date'])} al {day(policy['end_date'])}"),
            ("Estado", "Vigente"),
            ("Emitido", moment(issued_at)),
        ]
    )
    pdf.note(
        "Aval certifica que la póliza indicada se encuentra vigente a la fecha de emisión de este certificado, "
        "según los datos informados por la aseguradora. Asistencia: " + policy["assistance_phone"] + "."
    )
    return pdf.bytes()


def claim_receipt(claim: dict[str, Any]) -> bytes:
    """The receipt of a claim report, naming the moment it was received and the SHA-256 of its content."""
    pdf = _Document("Constancia de denuncia de siniestro")
    third = claim.get("third_party") or {}
    pdf.rows(
        [
            ("Número de siniestro", claim["number"]),
            ("Póliza", claim["policy_number"]),
            ("Aseguradora", claim["insurer_name"]),
            ("Asegurado", claim["client_name"]),
            ("Bien asegurado", insured_item_text(claim.get("insured_item") or {})),
            ("Denunciado por", claim.get("reported_by")),
            ("Tipo", CLAIM_TYPES.get(claim["type"], claim["type"])),
            ("Ocurrido", occurred_text(claim["occurred_at_local"], claim.get("occurred_time_known", True))),
            ("Lugar", claim.get("place")),
            ("Descripción", claim.get("description")),
            ("Terceros involucrados", _yes_no(claim.get("third_party_involved"))),
            ("Datos del tercero", third_party_text(third)),
            ("Conductor", claim.get("driver")),
            ("Personas lesionadas", _yes_no(claim.get("injured_people"))),
            ("Testigos", claim.get("witnesses")),
            ("Puede circular", _yes_no(claim.get("vehicle_drivable"))),
            ("Denuncia policial", claim.get("police_report")),
            ("Bienes dañados", claim.get("damaged_items")),
            ("Recibida", moment(claim["created_at_local"]) + " (hora de Argentina)"),
            ("SHA-256 del contenido", claim["sha256"]),
        ]
    )
    if claim.get("reported_late"):
        pdf.note(
            "La denuncia se recibió pasados los 3 días del siniestro que prevé el art. 46 de la Ley 17.418; "
            "la aseguradora evaluará el caso."
        )
    pdf.note(insurer_contact(claim))
    pdf.note(NEXT_STEPS)
    pdf.note(documents_sentence(claim["type"], claim.get("line") or ""))
    pdf.note(
        "Esta constancia acredita que Aval recibió la denuncia con el contenido indicado. El código SHA-256 "
        "identifica ese contenido: cualquier cambio posterior daría otro código."
    )
    return pdf.bytes()


def _yes_no(value: Any) -> str | None:
    if value is None:
        return None
    return "Sí" if value else "No"
