"""Linking client profiles: automatically by verified e-mail, manually by document plus a policy in force."""

from __future__ import annotations

import pytest

LINK = "/v1/me/clients"


def link(api, sender, document, policy):
    return api.post(LINK, sender, json={"document_number": document, "policy_number": policy})


def test_laura_is_linked_to_laura_and_martin(api, laura_session):
    confirmed = laura_session["confirmed"]
    assert confirmed["new_account"] is False
    clients = api.get(LINK, laura_session["sender"]).json()["clients"]
    assert sorted((c["name"], c["linked_by"]) for c in clients) == [("Laura Gómez", "auto"), ("Martín Gómez", "auto")]
    policies = api.get("/v1/me/policies", laura_session["sender"]).json()["policies"]
    assert {p["number"] for p in policies} == {"AU-1048576", "HOG-778899", "AU-0524288", "01-0234567-8"}


@pytest.mark.parametrize("document", ["23456789", "23.456.789", "20-23456789-7"])
def test_jorge_by_document_and_policy_in_force(api, document):
    sender = api.new_user()
    answer = link(api, sender, document, "01-0567890-1")
    assert answer.status_code == 201, answer.text
    client = answer.json()["client"]
    assert (client["name"], client["dni"], client["linked_by"]) == ("Jorge Pereyra", "23456789", "manual")
    assert [c["name"] for c in api.get(LINK, sender).json()["clients"]] == ["Jorge Pereyra"]
    again = link(api, sender, document, "01-0567890-1")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_linked"


def test_policy_number_is_matched_loosely(api):
    sender = api.new_user()
    assert link(api, sender, "20-17654321-4", "lt5521907").status_code == 201


@pytest.mark.parametrize(
    "document, policy",
    [
        ("31245877", "AU-0524288"),  # Laura's expired policy
        ("30-70987654-2", "AU-2097153"),  # La Espiga's cancelled policy
        ("23456789", "AU-1048576"),  # Jorge's DNI with Laura's policy
        ("31245877", "NO-SUCH-1"),
    ],
)
def test_failures_never_say_which_half_was_wrong(api, document, policy):
    sender = api.new_user()
    answer = link(api, sender, document, policy)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "link_failed"
    assert answer.json()["error"]["message"] == "No client matches that document and policy in force."
    assert api.get(LINK, sender).json()["clients"] == []


def test_invalid_document(api):
    sender = api.new_user()
    for document in ("123", "20-23456789-1", "abc"):
        answer = link(api, sender, document, "01-0567890-1")
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_document"


def test_sixth_failure_is_refused_with_retry_after(api):
    sender = api.new_user()
    for _ in range(5):
        assert link(api, sender, "30111222", "AU-1048576").status_code == 400  # a DNI no client holds
    refused = link(api, sender, "23456789", "01-0567890-1")  # right this time, but too late
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "link_attempts_exceeded"
    assert 0 < refused.json()["error"]["details"]["retry_after"] <= 24 * 3600
    assert api.get(LINK, sender).json()["clients"] == []
    # Another account on another chat, trying another document, is not affected.
    assert link(api, api.new_user(), "23456789", "01-0567890-1").status_code == 201


def test_unlink_keeps_the_client(api):
    sender = api.new_user()
    client = link(api, sender, "38765432", "0099-112233").json()["client"]
    gone = api.delete(f"{LINK}/{client['id']}", sender)
    assert gone.status_code == 200 and gone.json()["client"]["name"] == "Ana Rodríguez"
    assert api.get(LINK, sender).json()["clients"] == []
    assert api.delete(f"{LINK}/{client['id']}", sender).status_code == 404
    # The client profile still exists: it can be linked again.
    assert link(api, sender, "38765432", "0099-112233").status_code == 201


def test_policies_filter_by_client_and_status(api, laura):
    clients = {c["name"]: c["id"] for c in api.get(LINK, laura).json()["clients"]}
    martin = api.get("/v1/me/policies", laura, params={"client_id": clients["Martín Gómez"]}).json()["policies"]
    assert [p["number"] for p in martin] == ["01-0234567-8"]
    in_force = api.get("/v1/me/policies", laura, params={"status": "in_force"}).json()["policies"]
    assert {p["number"] for p in in_force} == {"AU-1048576", "HOG-778899", "01-0234567-8"}
    assert all(p["in_force"] for p in in_force)
    expired = api.get("/v1/me/policies", laura, params={"status": "expired"}).json()["policies"]
    assert [(p["number"], p["in_force"]) for p in expired] == [("AU-0524288", False)]
    one = api.get("/v1/me/policies/LT%205521907", laura)
    assert one.status_code == 404
    hog = api.get("/v1/me/policies/HOG-778899", laura).json()["policy"]
    assert hog["insurer"]["code"] == "PAM" and hog["client_name"] == "Laura Gómez" and hog["line"] == "home"
