"""The e-mails Mi Aval sends, in rioplatense Spanish (voseo), short."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from miaval_api.mail import Attachment, Mailer
from miaval_api.services import pdf
from miaval_api.services.documents import Document


def code_email(mailer: Mailer, to: str, code: str, ttl_seconds: int) -> EmailMessage:
    """The one-time code."""
    minutes = max(ttl_seconds // 60, 1)
    expiry = "Vence en 1 minuto." if minutes == 1 else f"Vence en {minutes} minutos."
    text = (
        "¡Hola!\n\n"
        f"Tu código de Mi Aval es: {code}\n\n"
        f"Escribilo en el chat para verificar tu cuenta. {expiry}\n"
        "Si no lo pediste vos, ignorá este mensaje.\n\n"
        "Mi Aval\n"
    )
    return mailer.build(to, f"Tu código de Mi Aval: {code}", text)


def lockout_email(mailer: Mailer, to: str) -> EmailMessage:
    """Too many wrong codes for this address today: new sign-ins with it are paused until tomorrow."""
    text = (
        "¡Hola!\n\n"
        "Hoy se escribieron varios códigos equivocados para entrar a Mi Aval con esta dirección de e-mail. "
        "Por seguridad, pausamos los inicios de sesión nuevos con esta dirección hasta mañana.\n\n"
        "Si fuiste vos, podés volver a probar mañana; los chats donde ya tenías la sesión iniciada "
        "siguen funcionando.\n"
        "Si no fuiste vos, no tenés que hacer nada: nadie entró a tu cuenta. Si algo te preocupa, "
        "escribinos en el chat y pedí hablar con una persona.\n\n"
        "Mi Aval\n"
    )
    return mailer.build(to, "Pausamos los inicios de sesión en Mi Aval con tu e-mail hasta mañana", text)


def link_notice_email(mailer: Mailer, to: str, account_masked: str) -> EmailMessage:
    """A client's profile was linked to an account that is not theirs by e-mail (an accountant, a relative...)."""
    text = (
        "¡Hola!\n\n"
        f"Tu perfil de cliente de Aval se vinculó a la cuenta de Mi Aval {account_masked}. "
        "Desde esa cuenta se pueden ver tus pólizas, pedir tus certificados y denunciar siniestros.\n\n"
        "Si la reconocés (por ejemplo, es de tu contador o de un familiar), no tenés que hacer nada.\n"
        "Si no la reconocés, escribinos en el chat de Mi Aval y pedí hablar con una persona: "
        "la desvinculamos.\n\n"
        "Mi Aval\n"
    )
    return mailer.build(to, "Se vinculó tu perfil a una cuenta de Mi Aval", text)


def receipt_email(mailer: Mailer, to: str, fields: dict[str, Any], receipt: Document) -> EmailMessage:
    """The receipt of a claim report (``documents.receipt_fields``), with the PDF attached."""
    claim_number = fields["number"]
    item = pdf.insured_item_text(fields.get("insured_item") or {})
    policy = fields["policy_number"]
    about = f" sobre {item} (póliza {policy})" if item else f" sobre la póliza {policy}"
    reported = f"La hiciste en nombre del asegurado, {fields['client_name']}.\n" if fields.get("reported_by") else ""
    text = (
        "¡Hola!\n\n"
        f"Recibimos tu denuncia de siniestro {claim_number}{about}. Te adjuntamos la constancia en PDF.\n"
        f"{reported}\n"
        f"{pdf.NEXT_STEPS}\n\n"
        f"{pdf.documents_sentence(fields['type'], fields.get('line') or '')}\n\n"
        f"{pdf.insurer_contact(fields)}\n\n"
        "Mi Aval\n"
    )
    attachment = Attachment(receipt.filename, receipt.content_type, receipt.content)
    return mailer.build(to, f"Constancia de tu denuncia {claim_number}", text, (attachment,))


def news_email(mailer: Mailer, to: str, news: str) -> EmailMessage:
    """News from Aval for the customer (a claim's new status, a note from an executive): ``news`` is the
    whole sentence the console wrote, the same the customer reads in the chat."""
    text = (
        "¡Hola!\n\n"
        f"{news}\n\n"
        "También lo ves en el chat de Mi Aval. Si no querés recibir más novedades, avisanos en el chat.\n\n"
        "Mi Aval\n"
    )
    return mailer.build(to, "Novedades de Mi Aval", text)
