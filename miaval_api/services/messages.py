"""The e-mails Mi Aval sends, in rioplatense Spanish (voseo), short."""

from __future__ import annotations

from email.message import EmailMessage

from miaval_api.mail import Attachment, Mailer
from miaval_api.services.documents import Document


def code_email(mailer: Mailer, to: str, code: str, ttl_seconds: int) -> EmailMessage:
    """The one-time code."""
    minutes = max(ttl_seconds // 60, 1)
    text = (
        "¡Hola!\n\n"
        f"Tu código de Mi Aval es: {code}\n\n"
        f"Escribilo en el chat para verificar tu cuenta. Vence en {minutes} minutos.\n"
        "Si no lo pediste vos, ignorá este mensaje.\n\n"
        "Mi Aval\n"
    )
    return mailer.build(to, f"Tu código de Mi Aval: {code}", text)


def receipt_email(mailer: Mailer, to: str, claim_number: str, receipt: Document) -> EmailMessage:
    """The receipt of a claim report, with the PDF attached."""
    text = (
        "¡Hola!\n\n"
        f"Recibimos tu denuncia de siniestro {claim_number}. Te adjuntamos la constancia en PDF.\n"
        "Te vamos a avisar cómo avanza.\n\n"
        "Mi Aval\n"
    )
    attachment = Attachment(receipt.filename, receipt.content_type, receipt.content)
    return mailer.build(to, f"Constancia de tu denuncia {claim_number}", text, (attachment,))
