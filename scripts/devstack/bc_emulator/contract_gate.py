"""Flask hooks that hold every request and answer of the emulator to BigCommerce's contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, g, request

from .contract import LOG, Exchange, contract
from .responses import NOT_FOUND, json_response, v2_error, v3_error

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def check_answers(app: Flask, emu: BigCommerceEmulator) -> None:
    """Record each exchange with how its answer strays from the contract (registered first, so
    it runs last and sees the answer as sent, injected faults included)."""

    @app.after_request
    def _record(response: Response) -> Response:
        if not getattr(g, "contract_checked", False):
            return response
        endpoint = g.contract_endpoint
        problems: tuple[str, ...] = ()
        if endpoint is not None:
            body = response.get_data()
            problems = tuple(
                endpoint.check_answer(response.status_code, response.content_type or "", body)
            )
        LOG.add(
            Exchange(
                method=request.method,
                path=request.path,
                endpoint=None if endpoint is None else endpoint.key,
                status=response.status_code,
                refused=g.contract_refused,
                tolerated=g.contract_tolerated,
                answer_problems=problems,
            )
        )
        return response


def check_requests(app: Flask, emu: BigCommerceEmulator) -> None:
    """Refuse what BigCommerce would refuse (registered after the fault and rate-limit gate)."""

    @app.before_request
    def _check() -> Response | None:
        path = request.path
        if not (emu.is_api(path) or path == "/oauth2/token"):
            return None
        g.contract_checked, g.contract_refused, g.contract_tolerated = True, (), ()
        g.contract_endpoint = endpoint = contract().endpoint(request.method, path)
        if endpoint is None:
            g.contract_refused = ("no endpoint in the contract",)
            return v2_error(404, NOT_FOUND) if "/v2/" in path else v3_error(404, NOT_FOUND)
        url, body = endpoint.check_request(
            path, request.args.to_dict(flat=False), dict(request.headers), request.get_data()
        )
        if not (url or body):
            return None
        refusal = endpoint.refusal(url, body)
        g.contract_refused, g.contract_tolerated = refusal.reasons, refusal.tolerated
        return json_response(refusal.body, refusal.status) if refusal.reasons else None
