"""B2B Edition's management API (`/api/v3/io/...`): companies, hierarchy, buyers, payment terms.

The store is named by `X-Store-Hash` and authenticated by the store's `X-Auth-Token`; a store
without B2B Edition is refused. Answers use B2B Edition's envelope `{code, data, meta}`.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

from .b2b_state import B2BEdition, Company
from .responses import json_response

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

PREFIX = "/api/v3/io"
NOT_FOUND = "This resource is not found."


def envelope(data: Any, status: int = 200, message: str = "SUCCESS", **meta: Any) -> Response:
    """B2B Edition's answer: the status repeated as `code`, `data`, `meta.message`."""
    return json_response(
        {"code": status, "data": data, "meta": {"message": message, **meta}}, status
    )


def b2b_view(emu: BigCommerceEmulator) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator: under the lock, the authorized store's B2B Edition, or the refusal."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            store_hash = request.headers.get("X-Store-Hash", "")
            given = request.headers.get("X-Auth-Token", "")
            with emu.lock:
                store = emu.stores.get(store_hash)
                if store is None or not hmac.compare_digest(
                    given.encode(), store.access_token.encode()
                ):
                    return envelope({}, 401, "You are not authorized to access this resource")
                edition = emu.b2b.get(store_hash)
                if edition is None:
                    return envelope({}, 403, "B2B Edition is not enabled for this store")
                return view(edition, **kwargs)

        return wrapper

    return decorate


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add B2B Edition's routes to `app`."""

    @app.get(f"{PREFIX}/companies")
    @b2b_view(emu)
    def companies(edition: B2BEdition) -> Any:
        limit, offset = _paging()
        found = sorted(edition.companies.values(), key=lambda c: -c.id)
        if (customer := request.args.get("customerId")) is not None:
            buyer = edition.buyers.get(int(customer)) if customer.isdigit() else None
            found = [c for c in found if buyer is not None and c.id == buyer.company_id]
        page = [_details(edition, c) for c in found[offset : offset + limit]]
        pagination = {"totalCount": len(found), "limit": limit, "offset": offset}
        return envelope(page, pagination=pagination)

    @app.get(f"{PREFIX}/companies/<int:company_id>")
    @b2b_view(emu)
    def company(edition: B2BEdition, company_id: int) -> Any:
        found = edition.companies.get(company_id)
        if found is None:
            return envelope({}, 404, NOT_FOUND)
        return envelope(_details(edition, found))

    @app.get(f"{PREFIX}/companies/<int:company_id>/hierarchy")
    @b2b_view(emu)
    def hierarchy(edition: B2BEdition, company_id: int) -> Any:
        if company_id not in edition.companies:
            return _no_company()
        limit, offset = _paging()
        root = edition.tree(edition.root_of(company_id))
        pagination = {"totalCount": _count(root) - 1, "limit": limit, "offset": offset}
        return envelope([root][offset : offset + limit], pagination=pagination)

    @app.get(f"{PREFIX}/companies/<int:company_id>/subsidiaries")
    @b2b_view(emu)
    def subsidiaries(edition: B2BEdition, company_id: int) -> Any:
        if company_id not in edition.companies:
            return _no_company()
        limit, offset = _paging()
        kids = [edition.tree(child) for child in edition.children(company_id)]
        pagination = {"totalCount": len(kids), "limit": limit, "offset": offset}
        return envelope(kids[offset : offset + limit], pagination=pagination)

    @app.get(f"{PREFIX}/users/customer/<int:customer_id>")
    @b2b_view(emu)
    def user_by_customer(edition: B2BEdition, customer_id: int) -> Any:
        buyer = edition.buyers.get(customer_id)
        if buyer is None:
            return envelope(
                {"errMsg": "User matching query does not exist."}, 404, "Not Found Error"
            )
        user = {
            "id": buyer.user_id,
            "customerId": buyer.customer_id,
            "companyId": buyer.company_id,
            "email": buyer.email,
            "firstName": buyer.first_name,
            "lastName": buyer.last_name,
            "role": buyer.role,
            "companyRoleName": buyer.role_name,
            "createdAt": edition.companies[buyer.company_id].created_at,
            "updatedAt": edition.companies[buyer.company_id].created_at,
        }
        return envelope(user, message="Success")

    @app.get(f"{PREFIX}/companies/<int:company_id>/payment-terms")
    @b2b_view(emu)
    def payment_terms(edition: B2BEdition, company_id: int) -> Any:
        found = edition.companies.get(company_id)
        if found is None:
            return envelope({"errMsg": "Company Does not Exist"}, 404, "Company Does not Exist")
        terms = found.payment_terms if found.terms_enabled else edition.default_payment_terms
        return envelope(
            {"isEnabled": found.terms_enabled, "paymentTerms": terms}, message="Success"
        )

    @app.get(f"{PREFIX}/companies/<int:company_id>/payments")
    @b2b_view(emu)
    def payments(edition: B2BEdition, company_id: int) -> Any:
        found = edition.companies.get(company_id)
        if found is None:
            return envelope({"errMsg": "Company Does not Exist"}, 404, "Company Does not Exist")
        methods = [
            {"paymentId": i, "code": code, "paymentTitle": code.title(), "isEnabled": enabled}
            for i, (code, enabled) in enumerate(sorted(found.payments.items()), start=1)
        ]
        return envelope(methods, message="Success")


def _details(edition: B2BEdition, company: Company) -> dict[str, Any]:
    parent = edition.companies.get(company.parent_id) if company.parent_id else None
    return {
        "companyId": company.id,
        "companyName": company.name,
        "companyEmail": company.email,
        "companyPhone": "",
        "companyStatus": str(company.status),
        "parentCompany": {"id": parent.id, "name": parent.name} if parent else {},
        "createdAt": str(company.created_at),
        "updatedAt": str(company.created_at),
    }


def _no_company() -> Response:
    """The hierarchy endpoints' own not-found shape (a parameter error)."""
    body = {"status": 404, "title": "Parameter Error.", "errors": {"1": "Company does not exist."}}
    return json_response(body, 404)


def _paging() -> tuple[int, int]:
    # The contract has already refused non-integer values.
    return int(request.args.get("limit", 10)), int(request.args.get("offset", 0))


def _count(node: dict[str, Any]) -> int:
    return 1 + sum(_count(child) for child in node.get("subsidiaries", []))
