"""Events -> stream -> relay -> queue -> signed POST, verified with the standardwebhooks library."""

import json

from standardwebhooks.webhooks import Webhook

from bc_subscriptions.services.webhook_delivery import sign

from .world import World


def test_every_event_reaches_the_merchant_signed_and_verifiable(world: World) -> None:
    # Given / When a shopper subscribes and is renewed
    world.subscribe()
    world.renew()
    # Then the merchant received every event, each verified with its whsec_ secret
    received = world.stack.receiver.received
    types = [r.event_type for r in received]
    assert types.count("subscription.created") == 1
    assert "charge.succeeded" in types and "subscription.renewed" in types
    assert all(r.verified for r in received)
    assert len({r.webhook_id for r in received}) == len(received)
    # Deliveries run concurrently, so arrival order is not guaranteed (as with any SQS
    # consumer); the per-subscription sequence lets the consumer restore it, without gaps.
    sequences = [r.body["data"]["sequence"] for r in received]
    assert sorted(sequences) == list(range(1, len(received) + 1))


def test_the_signature_is_standard_webhooks_compatible() -> None:
    # Given a secret and a body
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = json.dumps(
        {"type": "subscription.created", "timestamp": "2026-01-01T00:00:00Z", "data": {}}
    )
    from datetime import UTC, datetime

    headers = sign([secret], "evt_1", datetime.now(UTC), body)
    # When / Then the reference library accepts it
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_a_410_disables_the_endpoint(world: World) -> None:
    # Given the merchant answers 410 Gone
    world.stack.receiver.fail_with = 410
    # When
    world.subscribe()
    # Then the endpoint is disabled
    [endpoint] = world.of_kind("endpoint")
    assert endpoint["enabled"] is False


def test_during_a_rotation_consumers_with_the_old_or_the_new_secret_both_verify(
    world: World,
) -> None:
    # Given the merchant's consumer still holds the old secret when the secret is rotated
    from bc_subscriptions.bootstrap import container
    from bc_subscriptions.services.endpoints import rotate_secret

    c = container()
    [endpoint] = world.of_kind("endpoint")
    rotated = rotate_secret(
        world.store_hash,
        str(endpoint["endpoint_id"]),
        endpoints=c.endpoints,
        vault=c.vault,
        now=c.wall_clock.now(),
    )
    # When an event is delivered to the old-secret consumer, then to a new-secret one
    world.subscribe()
    world.stack.receiver.secrets = [rotated.secret]  # this consumer only knows the new one
    world.subscribe()
    # Then every delivery verified with the standardwebhooks library either way
    received = world.stack.receiver.received
    assert len(received) == 2 and all(r.verified for r in received)
    log = c.delivery_log.list(world.store_hash, str(endpoint["endpoint_id"]))
    assert [a.outcome for a in log] == ["delivered", "delivered"]
