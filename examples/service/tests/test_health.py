from app.server import Handler


def test_handler_exists():
    assert Handler.do_GET
