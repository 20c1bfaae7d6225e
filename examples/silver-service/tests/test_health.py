from app.server import app


def test_healthz():
    assert app.test_client().get("/healthz").data == b"ok"
