"""The API's e-mails: whole sentences for one minute, and sign-ins never called "ingresos"."""

from __future__ import annotations

import secrets

import pytest

from miaval_api.mail import Mailer
from miaval_api.services.messages import code_email, lockout_email
from miaval_api.settings import Settings


@pytest.fixture()
def mailer(tmp_path) -> Mailer:
    return Mailer(
        Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", api_token="x", secret_key=secrets.token_urlsafe(32))
    )


@pytest.mark.parametrize("ttl_seconds, expected", [(60, "Vence en 1 minuto."), (600, "Vence en 10 minutos.")])
def test_the_code_email_says_minutes_in_the_right_number(mailer, ttl_seconds, expected):
    body = code_email(mailer, "laura.gomez@example.com", "482913", ttl_seconds).get_content()
    assert expected in body and "1 minutos" not in body


def test_the_lockout_email_speaks_of_sign_ins_not_income(mailer):
    message = lockout_email(mailer, "laura.gomez@example.com")
    assert "ingresos" not in message["Subject"] and "ingresos" not in message.get_content()
    assert "inicios de sesión" in message["Subject"] and "inicios de sesión" in message.get_content()
