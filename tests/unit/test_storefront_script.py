"""The storefront portal's script is kept single and current, whatever the store already has."""

from __future__ import annotations

from typing import Any

import msgspec

from bc_subscriptions.ports.bigcommerce import ScriptWrite, StorefrontScript
from bc_subscriptions.services.storefront_script import (
    SCRIPT_NAME,
    ScriptOutcome,
    bundle_url,
    ensure_storefront_script,
    portal_script,
)

BASE, CLIENT = "https://app.example.test/", "client-1"


class FakeScripts:
    """The Scripts API calls of the BigCommerce port, recording every write."""

    def __init__(self, *existing: StorefrontScript) -> None:
        self.scripts = list(existing)
        self.writes: list[tuple[str, str | None, ScriptWrite]] = []

    def list_scripts(self, store_hash: str) -> list[StorefrontScript]:
        return list(self.scripts)

    def create_script(self, store_hash: str, script: ScriptWrite) -> StorefrontScript:
        self.writes.append(("create", None, script))
        return StorefrontScript(uuid="new", name=script.name, src=script.src)

    def update_script(self, store_hash: str, uuid: str, script: ScriptWrite) -> StorefrontScript:
        self.writes.append(("update", uuid, script))
        return StorefrontScript(uuid=uuid, name=script.name, src=script.src)


def _ours(**fields: Any) -> StorefrontScript:
    wanted = msgspec.structs.asdict(portal_script(BASE, CLIENT))
    base = {k: wanted[k] for k in ("name", "src", "kind", "visibility", "consent_category")}
    return StorefrontScript(**({"uuid": "ours", "api_client_id": CLIENT} | base | fields))


def _ensure(bc: FakeScripts) -> ScriptOutcome:
    return ensure_storefront_script("s1", bc=bc, app_base_url=BASE, client_id=CLIENT)  # type: ignore[arg-type]


def test_the_bundle_url_carries_our_client_id_under_the_app_base() -> None:
    assert bundle_url(BASE, "a b") == (
        "https://app.example.test/app/assets/storefront.js?app_client_id=a+b"
    )


def test_a_store_without_our_script_gets_one() -> None:
    # Given a store with another app's script of another name
    bc = FakeScripts(StorefrontScript(uuid="x", name="Chat widget", api_client_id="other"))
    # When / Then
    assert _ensure(bc) is ScriptOutcome.CREATED
    [(kind, _, script)] = bc.writes
    assert (kind, script.name, script.consent_category) == ("create", SCRIPT_NAME, "essential")


def test_an_intact_script_is_left_alone() -> None:
    # Given / When / Then
    bc = FakeScripts(_ours())
    assert _ensure(bc) is ScriptOutcome.INTACT and bc.writes == []


def test_a_changed_script_is_updated_in_place_never_duplicated() -> None:
    # Given our script, pointed elsewhere and put in another consent category
    bc = FakeScripts(_ours(src="https://old.example.test/s.js", consent_category="functional"))
    # When / Then it is updated under its own uuid with what we want now
    assert _ensure(bc) is ScriptOutcome.UPDATED
    [(kind, uuid, script)] = bc.writes
    assert (kind, uuid) == ("update", "ours")
    assert script == portal_script(BASE, CLIENT)


def test_a_script_of_our_name_from_another_client_is_not_taken_for_ours() -> None:
    # Given a script with our name that another app's client created
    bc = FakeScripts(_ours(api_client_id="someone-else", uuid="theirs"))
    # When / Then ours is created beside it, theirs untouched
    assert _ensure(bc) is ScriptOutcome.CREATED
    assert [w[0] for w in bc.writes] == ["create"]
