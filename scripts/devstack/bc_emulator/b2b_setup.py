"""Setting up B2B Edition on an emulated store: enable it, add companies and their buyers."""

from __future__ import annotations

import threading

from .b2b_state import MAX_LAYERS, PAYMENT_TERMS, B2BEdition, Buyer, Company
from .state import Store


class B2BSetup:
    """The B2B half of the emulator's set-up API; a store has B2B Edition once enabled."""

    lock: threading.RLock
    stores: dict[str, Store]
    b2b: dict[str, B2BEdition]

    def enable_b2b(self, store_hash: str, *, default_payment_terms: int = 30) -> None:
        """Install B2B Edition on the store (a store without it answers 403 on its API)."""
        _check_terms(default_payment_terms)
        with self.lock:
            if store_hash not in self.stores:
                raise KeyError(store_hash)
            self.b2b.setdefault(store_hash, B2BEdition(default_payment_terms=default_payment_terms))

    def add_company(
        self,
        store_hash: str,
        name: str,
        *,
        parent_id: int | None = None,
        payment_terms: int | None = None,
        payments: dict[str, bool] | None = None,
        status: int = 1,
    ) -> int:
        """A company (under `parent_id` in its hierarchy); `payment_terms` enables payment on
        terms for it with that many days. Returns the company id."""
        with self.lock:
            edition = self.b2b[store_hash]
            if parent_id is not None and edition.depth_of(parent_id) >= MAX_LAYERS:
                raise ValueError(f"a hierarchy holds at most {MAX_LAYERS} layers")
            company_id = edition.next_company_id
            edition.next_company_id += 1
            company = Company(company_id, name, f"ap@{company_id}.example", status, parent_id)
            if payment_terms is not None:
                _check_terms(payment_terms)
                company.terms_enabled, company.payment_terms = True, payment_terms
            else:
                company.payment_terms = edition.default_payment_terms
            company.payments = dict(payments or {"cheque": True, "braintree": True})
            edition.companies[company_id] = company
            return company_id

    def add_buyer(
        self, store_hash: str, company_id: int, customer_id: int, *, role: int = 0
    ) -> int:
        """Make the BigCommerce customer a user of the company; returns the B2B user id."""
        with self.lock:
            edition = self.b2b[store_hash]
            customer = self.stores[store_hash].customers[customer_id]
            if company_id not in edition.companies:
                raise KeyError(company_id)
            user_id = edition.next_user_id
            edition.next_user_id += 1
            names = {0: "Admin", 1: "Senior Buyer", 2: "Junior Buyer"}
            edition.buyers[customer_id] = Buyer(
                user_id,
                customer_id,
                company_id,
                customer.email,
                customer.first_name,
                customer.last_name,
                role,
                names.get(role, "Custom"),
            )
            return user_id

    def move_company(self, store_hash: str, company_id: int, parent_id: int | None) -> None:
        """Attach the company under another parent (None: detach it to the top layer)."""
        with self.lock:
            self.b2b[store_hash].companies[company_id].parent_id = parent_id


def _check_terms(days: int) -> None:
    if days not in PAYMENT_TERMS:
        raise ValueError(f"payment terms must be one of {PAYMENT_TERMS}: {days}")
