"""Install through OAuth, load, uninstall and reinstall; bad callbacks are refused."""

import json

import boto3

from devstack.stack import APP_BASE_URL, LocalStack

from .admin_api_client import boot_data
from .world import World

HOOK_SCOPES = [
    "store/app/uninstalled",
    "store/customer/deleted",
    "store/customer/payment/instrument/default/updated",
    "store/order/created",
    "store/order/refund/created",
    "store/order/statusUpdated",
    "store/order/transaction/created",
    "store/shipment/created",
]


def _install_item(stack: LocalStack, store_hash: str) -> dict:
    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    return dict(table.get_item(Key={"pk": f"STORE#{store_hash}", "sk": "INSTALL"})["Item"])


def test_install_exchanges_the_code_stores_the_token_encrypted_and_registers_hooks(
    stack: LocalStack,
) -> None:
    # Given / When a merchant installs through OAuth
    token = stack.install_store("oauthstore")
    # Then the token is stored only as KMS ciphertext, and each hook exists once with its headers
    item = _install_item(stack, "oauthstore")
    assert item["status"] == "installed" and token not in json.dumps(item, default=str)
    hooks = stack.emulator.hooks("oauthstore")
    assert sorted(h["scope"] for h in hooks) == HOOK_SCOPES
    assert all(h["destination"].startswith(APP_BASE_URL) for h in hooks)
    assert {h["headers"]["X-Bcs-Store"] for h in hooks} == {"oauthstore"}
    assert len({h["headers"]["X-Bcs-Webhook-Secret"] for h in hooks}) == 1


def test_a_second_auth_callback_reuses_hooks_with_a_fresh_secret(stack: LocalStack) -> None:
    # Given an installed store
    stack.install_store("again")
    before = {h["id"]: h["headers"]["X-Bcs-Webhook-Secret"] for h in stack.emulator.hooks("again")}
    # When BigCommerce calls /auth again (e.g. scopes changed)
    stack.install_app("again")
    # Then no hook is duplicated and every hook carries the new secret
    after = {h["id"]: h["headers"]["X-Bcs-Webhook-Secret"] for h in stack.emulator.hooks("again")}
    assert sorted(after) == sorted(before)
    assert set(after.values()).isdisjoint(before.values())


def test_an_auth_callback_with_a_used_or_made_up_code_is_refused(stack: LocalStack) -> None:
    # Given / When
    stack.emulator.create_store("nocode", access_token="t")
    query = {"code": "made-up", "scope": "x", "context": "stores/nocode"}
    reply = stack.runtime.http("GET", "/auth", query=query)
    # Then
    assert (reply.status, reply.json()["error"]) == (401, "code_refused")
    assert stack.emulator.hooks("nocode") == []


def test_an_auth_callback_with_a_bad_context_is_a_400(stack: LocalStack) -> None:
    # Given / When / Then
    reply = stack.runtime.http("GET", "/auth", query={"code": "c", "context": "nonsense"})
    assert (reply.status, reply.json()["error"]) == (400, "invalid_context")


def test_load_answers_the_verified_store(world: World) -> None:
    # Given / When
    jwt = world.emulator.signed_payload(world.store_hash)
    reply = world.stack.runtime.http("GET", "/load", query={"signed_payload_jwt": jwt})
    # Then
    assert reply.status == 200 and world.store_hash in reply.body


def _bad_payloads(world: World) -> dict[str, str]:
    emu, store = world.emulator, world.store_hash
    good = emu.signed_payload(store)
    head, body, sig = good.split(".")
    return {
        "wrong secret": emu.signed_payload(store, client_secret="not-the-secret"),
        "wrong audience": emu.signed_payload(store, client_id="another-app"),
        "expired": emu.signed_payload(store, lifetime_s=-3600),
        "tampered": f"{head}.{emu.signed_payload('otherstore').split('.')[1]}.{sig}",
        "alg none": "eyJhbGciOiJub25lIn0." + body + ".",
        "garbage": "not-a-jwt",
    }


def test_invalid_signed_payloads_are_401_and_change_nothing(world: World) -> None:
    # Given every kind of bad payload
    for name, jwt in _bad_payloads(world).items():
        for path in ("/load", "/uninstall", "/remove_user"):
            # When
            reply = world.stack.runtime.http("GET", path, query={"signed_payload_jwt": jwt})
            # Then
            assert (reply.status, reply.json()["error"]) == (401, "invalid_signed_payload"), name
    assert _install_item(world.stack, world.store_hash)["status"] == "installed"


def test_uninstall_keeps_history_refuses_webhooks_and_reinstall_resumes(world: World) -> None:
    # Given a store with a subscription
    world.subscribe()
    # When the merchant uninstalls
    jwt = world.emulator.uninstall_app(world.store_hash)
    reply = world.stack.runtime.http("GET", "/uninstall", query={"signed_payload_jwt": jwt})
    # Then the store is uninstalled, its subscription kept, and a late webhook is refused
    assert (reply.status, reply.json()["status"]) == (200, "uninstalled")
    assert _install_item(world.stack, world.store_hash)["status"] == "uninstalled"
    assert len(world.of_kind("subscription")) == 1
    body = json.dumps(
        {
            "scope": "store/order/created",
            "store_id": "1",
            "producer": f"stores/{world.store_hash}",
            "data": {"type": "order", "id": 100},
            "hash": "late",
            "created_at": 1,
        }
    ).encode()
    late = world.stack.runtime.http(
        "POST", "/webhooks/bigcommerce/order-created", body, world.emulator.sign(body)
    )
    assert (late.status, late.json()["error"]) == (401, "unknown_store")
    # When the merchant installs again, and a shopper buys
    world.stack.install_app(world.store_hash)
    world.subscribe()
    # Then capture works with the new token, and both subscriptions are there
    assert _install_item(world.stack, world.store_hash)["status"] == "installed"
    assert len(world.of_kind("subscription")) == 2


def test_an_uninstalled_store_is_never_called_or_charged_until_it_reinstalls(
    world: World,
) -> None:
    # Given a subscription, then the merchant uninstalls
    world.subscribe()
    jwt = world.emulator.uninstall_app(world.store_hash)
    world.stack.runtime.http("GET", "/uninstall", query={"signed_payload_jwt": jwt})
    world.emulator.reset_calls()
    # When its renewal falls due
    world.renew()
    # Then no BigCommerce call was made for the store: no order, no charge
    assert world.emulator.calls == []
    assert world.renewal_orders() == []


def _load_session(world: World, user_id: int = 1) -> str:
    jwt = world.emulator.signed_payload(world.store_hash, user_id=user_id)
    reply = world.stack.runtime.http("GET", "/load", query={"signed_payload_jwt": jwt})
    assert reply.status == 200
    return str(boot_data(reply)["session"])


def _admin_status(world: World, token: str) -> int:
    headers = {"authorization": f"Bearer {token}"}
    return world.stack.runtime.http("GET", "/admin/subscriptions", headers=headers).status


def test_an_admin_session_stops_at_uninstall_and_a_reinstall_does_not_revive_it(
    world: World,
) -> None:
    # Given a working admin session
    old = _load_session(world)
    assert _admin_status(world, old) == 200
    # When the merchant uninstalls
    jwt = world.emulator.uninstall_app(world.store_hash)
    world.stack.runtime.http("GET", "/uninstall", query={"signed_payload_jwt": jwt})
    # Then the session is refused
    assert _admin_status(world, old) == 401
    # And after a reinstall it is still refused, while a new /load works
    world.stack.install_app(world.store_hash)
    assert _admin_status(world, old) == 401
    assert _admin_status(world, _load_session(world)) == 200


def test_remove_user_stops_that_users_sessions_and_no_one_elses(world: World) -> None:
    # Given the owner and a clerk, each with a session
    owner, clerk = _load_session(world, 1), _load_session(world, 7)
    assert _admin_status(world, clerk) == 200
    # When the owner removes the clerk's access to the app
    jwt = world.emulator.remove_user(world.store_hash, 7)
    reply = world.stack.runtime.http("GET", "/remove_user", query={"signed_payload_jwt": jwt})
    # Then the callback verified, the clerk's session is refused and the owner's is not
    assert (reply.status, reply.json()["status"]) == (200, "removed")
    assert _admin_status(world, clerk) == 401
    assert _admin_status(world, owner) == 200
