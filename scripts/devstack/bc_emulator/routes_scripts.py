"""v3 Scripts API (`/v3/content/scripts`): the scripts a storefront page loads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from . import scripts_api
from .auth import store_view
from .paging import BadPaging, v3_page
from .responses import NOT_FOUND, json_response, no_content, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

INVALID = "The request is invalid."


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the Scripts API routes to `app`."""

    @app.route("/stores/<store_hash>/v3/content/scripts", methods=["GET", "POST"])
    @store_view(emu)
    def scripts(store: Store) -> Any:
        # A token sees and counts only the scripts its own app created.
        ours = [s for s in store.scripts.values() if s["api_client_id"] == emu.client_id]
        if request.method == "GET":
            try:
                found, meta = v3_page(ours, request.args)
            except BadPaging as exc:
                return v3_error(422, INVALID, errors={"page": str(exc)})
            return json_response({"data": found, "meta": meta})
        body = request.get_json(silent=True) or {}
        if problems := scripts_api.problems(body):
            return v3_error(422, INVALID, errors=problems)
        if len(ours) >= scripts_api.MAX_SCRIPTS_PER_APP:
            limit = f"an app may install at most {scripts_api.MAX_SCRIPTS_PER_APP} scripts"
            return v3_error(422, INVALID, errors={"scripts": limit})
        script = scripts_api.new_script(body, emu.client_id)
        store.scripts[script["uuid"]] = script
        return json_response({"data": script, "meta": {}})

    @app.route(
        "/stores/<store_hash>/v3/content/scripts/<script_uuid>",
        methods=["GET", "PUT", "DELETE"],
    )
    @store_view(emu)
    def script(store: Store, script_uuid: str) -> Any:
        found = store.scripts.get(script_uuid)
        if found is None or found["api_client_id"] != emu.client_id:
            return v3_error(404, NOT_FOUND)
        if request.method == "DELETE":
            del store.scripts[script_uuid]
            return no_content()
        if request.method == "PUT":
            changed = scripts_api.updated(found, request.get_json(silent=True) or {})
            if problems := scripts_api.problems(changed):
                return v3_error(422, INVALID, errors=problems)
            found.clear()
            found.update(changed)
        return json_response({"data": found, "meta": {}})
