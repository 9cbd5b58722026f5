"""`make demo` keeps working: it runs the whole story and exits 0."""

import pytest

from devstack import demo

pytestmark = pytest.mark.e2e


def test_the_demo_tells_its_story_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    # Given / When
    code = demo.main()
    # Then
    out = capsys.readouterr().out
    assert code == 0
    assert "paid $50.00 with the stored card" in out
    assert "retried and paid; order now Awaiting Fulfillment" in out
    assert "own_renewal" in out and "duplicate" in out
    assert "merchant webhooks verified" in out
