"""scripts/webhooks: the operator's view of endpoints, their delivery log, and replay."""

import pytest

from devstack import webhooks_cli

from .world import World


def _cli(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = webhooks_cli.main(["--store", world.store_hash, *args])
    return code, capsys.readouterr().out


def test_list_log_replay_and_refusals(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a delivered event
    world.subscribe()
    [endpoint] = world.of_kind("endpoint")
    endpoint_id = str(endpoint["endpoint_id"])
    [received] = world.stack.receiver.received
    # When / Then the operator sees the endpoint and its log
    assert _cli(world, capsys, "list")[1].count(endpoint_id) == 1
    code, out = _cli(world, capsys, "log", endpoint_id)
    assert code == 0 and "delivered" in out and "subscription.created" in out
    # and replays the event: the consumer gets the same webhook-id again
    code, out = _cli(world, capsys, "replay", endpoint_id, "--event", received.webhook_id)
    world.stack.pump()
    assert code == 0 and "queued 1" in out
    assert [r.webhook_id for r in world.stack.receiver.received] == [received.webhook_id] * 2
    # and a bad URL or an unknown endpoint is refused with a reason, nothing written
    code, out = _cli(world, capsys, "add", "ftp://example.com/hook")
    assert code == 2 and "refused" in out
    code, out = _cli(world, capsys, "rotate", "ep_missing")
    assert code == 2 and "no endpoint ep_missing" in out
    assert len(world.of_kind("endpoint")) == 1


def test_disable_then_enable_offers_the_replay(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    [endpoint] = world.of_kind("endpoint")
    endpoint_id = str(endpoint["endpoint_id"])
    assert _cli(world, capsys, "disable", endpoint_id) == (0, "disabled\n")
    world.subscribe()
    assert world.stack.receiver.received == []
    code, out = _cli(world, capsys, "enable", endpoint_id, "--replay")
    world.stack.pump()
    assert code == 0 and "replaying" in out
    assert {r.event_type for r in world.stack.receiver.received} >= {"subscription.created"}
