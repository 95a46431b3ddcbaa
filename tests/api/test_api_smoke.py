def test_health_and_insurers(api):
    assert api.get("/healthz").json() == {"status": "ok"}
    insurers = api.get("/v1/insurers").json()["insurers"]
    assert {i["code"] for i in insurers} == {"RPS", "PAM", "COR", "LIT", "AUS"}


def test_laura(api, laura_session):
    names = sorted(c["name"] for c in laura_session["confirmed"]["linked_clients"])
    assert names == ["Laura Gómez", "Martín Gómez"]
