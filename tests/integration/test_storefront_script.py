"""The storefront portal's script: registered once at install through the Scripts API, kept
single on reinstall, and refused by the emulator where BigCommerce refuses it."""

from __future__ import annotations

from typing import Any

import httpx

from bc_subscriptions.services.storefront_script import SCRIPT_NAME
from devstack.stack import APP_BASE_URL, LocalStack

SCRIPTS = "/content/scripts"


def _scripts_api(stack: LocalStack, store_hash: str) -> httpx.Client:
    token = stack.emulator.stores[store_hash].access_token
    return httpx.Client(
        transport=stack.emulator.transport(),
        base_url=f"https://api.bigcommerce.test/stores/{store_hash}/v3",
        headers={"X-Auth-Token": token, "Accept": "application/json"},
    )


def _script(**fields: Any) -> dict[str, Any]:
    return {"name": "Other", "kind": "src", "src": "https://cdn.example.test/x.js", **fields}


def test_install_registers_the_portal_script_as_an_essential_deferred_storefront_script(
    stack: LocalStack,
) -> None:
    # Given / When a merchant installs the app
    stack.install_store("scripted")
    # Then one script of ours loads our bundle on the storefront, with our client id in its URL
    [script] = stack.emulator.scripts("scripted")
    assert script["name"] == SCRIPT_NAME
    assert script["src"] == (
        f"{APP_BASE_URL}/app/assets/storefront.js?app_client_id={stack.function_env['BC_CLIENT_ID']}"
    )
    assert (script["kind"], script["visibility"], script["location"]) == (
        "src",
        "storefront",
        "footer",
    )
    assert (script["load_method"], script["consent_category"]) == ("defer", "essential")
    assert script["auto_uninstall"] is True


def test_a_reinstall_keeps_one_script_and_puts_back_what_was_changed(stack: LocalStack) -> None:
    # Given an installed store whose script someone pointed elsewhere
    stack.install_store("again")
    [before] = stack.emulator.scripts("again")
    with _scripts_api(stack, "again") as api:
        moved = api.put(
            f"{SCRIPTS}/{before['uuid']}", json={"src": "https://elsewhere.example.test/a.js"}
        )
    assert moved.status_code == 200
    # When BigCommerce calls /auth again
    stack.install_app("again")
    # Then there is still one script, the same one, loading our bundle again
    [after] = stack.emulator.scripts("again")
    assert after["uuid"] == before["uuid"] and after["src"] == before["src"]


def test_a_reinstall_of_an_intact_script_sends_no_update(stack: LocalStack) -> None:
    # Given an installed store
    stack.install_store("intact")
    stack.emulator.reset_calls()
    # When BigCommerce calls /auth again
    stack.install_app("intact")
    # Then the scripts are only listed
    script_calls = [c for c in stack.emulator.calls if "/content/scripts" in c[1]]
    assert script_calls == [("GET", "/stores/intact/v3/content/scripts")]


def test_uninstall_removes_the_script_and_a_reinstall_registers_it_again(
    stack: LocalStack,
) -> None:
    # Given an installed store
    stack.install_store("leaving")
    # When the merchant uninstalls (the script asked for auto_uninstall) and installs again
    stack.emulator.uninstall_app("leaving")
    assert stack.emulator.scripts("leaving") == []
    stack.install_app("leaving")
    # Then the script is back, once
    assert [s["name"] for s in stack.emulator.scripts("leaving")] == [SCRIPT_NAME]


def test_the_emulator_refuses_scripts_bigcommerce_refuses_with_the_field_named(
    stack: LocalStack,
) -> None:
    # Given an installed store
    stack.install_store("strict")
    with _scripts_api(stack, "strict") as api:
        # When scripts missing what their kind needs, or mixing both kinds, are created
        cases = {
            "src": _script(src=""),
            "html": _script(html="<script>1</script>"),
            "load_method": {"name": "T", "kind": "script_tag", "html": "<script></script>"}
            | {"load_method": "async"},
        }
        answers = {field: api.post(SCRIPTS, json=body) for field, body in cases.items()}
        plain_http = api.post(SCRIPTS, json=_script(src="http://cdn.example.test/x.js"))
        nameless = api.post(SCRIPTS, json={"kind": "src", "src": "https://cdn.example.test/x.js"})
        unknown_consent = api.post(SCRIPTS, json=_script(consent_category="unknown"))
    # Then each is a 422 naming the field, and nothing was created
    for field, answer in answers.items():
        assert answer.status_code == 422, field
        assert field in answer.json()["errors"], answer.json()
    assert plain_http.status_code == 422 and "src" in plain_http.json()["errors"]
    assert nameless.status_code == unknown_consent.status_code == 422
    assert len(stack.emulator.scripts("strict")) == 1


def test_an_app_may_install_ten_scripts_and_sees_only_its_own(stack: LocalStack) -> None:
    # Given an installed store with our one script and another app's script
    stack.install_store("full")
    other = {**_script(), "uuid": "00000000-0000-4000-8000-00000000000a"}
    other |= {"api_client_id": "another-app", "enabled": True, "channel_id": 1}
    stack.emulator.stores["full"].scripts[other["uuid"]] = other
    with _scripts_api(stack, "full") as api:
        # When nine more are created, then an eleventh
        created = [api.post(SCRIPTS, json=_script(name=f"S{i}")) for i in range(9)]
        eleventh = api.post(SCRIPTS, json=_script(name="S10"))
        listed = api.get(SCRIPTS, params={"limit": 50})
        foreign = api.get(f"{SCRIPTS}/{other['uuid']}")
        deleted = api.delete(f"{SCRIPTS}/{created[0].json()['data']['uuid']}")
    # Then the eleventh is refused, the list holds only ours, another app's script is not found
    assert {c.status_code for c in created} == {200}
    assert eleventh.status_code == 422
    assert len(listed.json()["data"]) == 10
    assert foreign.status_code == 404
    assert deleted.status_code == 204
