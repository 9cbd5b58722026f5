"""Records as the pydantic models stored them read back, and are written, exactly the same.

Each document below was written by the pydantic version of its record; a change to a field's
name, order, format (decimals as strings, UTC times with `Z`, enums by value) or to whether an
unset field is written (null, or left out as the subscription leaves out its empty parts)
fails here before it reaches a stored record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.allotments import AllotmentDebit, AllotmentGrant
from bc_subscriptions.domain.charge import Charge
from bc_subscriptions.domain.custom_fields import CustomFieldDefinition
from bc_subscriptions.domain.entitlements import Entitlement, GroupLedger
from bc_subscriptions.domain.plan import Plan
from bc_subscriptions.domain.plan_metafield import parse_plan
from bc_subscriptions.domain.record import from_json, to_json, to_json_data
from bc_subscriptions.domain.subscription import Subscription, stored_json
from bc_subscriptions.domain.tenant_config import effective_config
from bc_subscriptions.services.plans import _metafield_value

CONFIG = (
    '{"preset":"lenient","dunning":{"retry_offsets_days":[3,7,14,21],"max_attempts":5,"grace_'
    'period_days":30,"final_action":"pause"},"capture_timing":"immediate","auth_window_days":'
    '7,"auth_expiry_action":"capture","auth_expiry_lead_hours":24,"fulfilled_statuses":[2,10]'
    ',"nti_freshness_days":365,"action_link_ttl_hours":72,"contract_guard":{"term_end_at":"20'
    '27-01-01T00:00:00Z","notice_period_days":30,"mode":"route"},"early_cancel_fee":{"amount"'
    ':"9.99","until_paid_cycles":3},"stuck_after_minutes":60,"api_share_percent":60,"b2b":{"o'
    'verdue_action":"hold","company_cache_minutes":15},"subscriber_sees_allotments":false,"ma'
    'nagers_may_change_card":false,"change_requests":{"shopper_changes":"direct","expire_afte'
    'r_hours":72}}'
)

CONFIG_DEFAULT = (
    '{"preset":"standard","dunning":{"retry_offsets_days":[1,3,7],"max_attempts":4,"grace_per'
    'iod_days":14,"final_action":"cancel"},"capture_timing":"immediate","auth_window_days":7,'
    '"auth_expiry_action":"capture","auth_expiry_lead_hours":24,"fulfilled_statuses":[2,10],"'
    'nti_freshness_days":365,"action_link_ttl_hours":72,"contract_guard":null,"early_cancel_f'
    'ee":null,"stuck_after_minutes":60,"api_share_percent":60,"b2b":null,"subscriber_sees_all'
    'otments":false,"managers_may_change_card":false,"change_requests":{"shopper_changes":"di'
    'rect","expire_after_hours":72}}'
)

PLAIN_SUB = (
    '{"store_hash":"store1","id":"sub_plain","customer_id":7,"status":"active","cadence":{"la'
    'bel":"Monthly","interval":"month","interval_count":1,"discount_percent":"0","retired":fa'
    'lse,"option_value_id":null},"currency":"USD","lines":[{"product_id":111,"variant_id":nul'
    'l,"name":"","sku":"","quantity":1,"price_ex_tax":"20.00","price_inc_tax":"20.00","produc'
    't_options":[]}],"billing_address":{"first_name":"Ada","zip":"12345"},"shipping_address":'
    'null,"extra_shipping_addresses":[],"shipping_cost_ex_tax":"0","shipping_cost_inc_tax":"0'
    '","channel_id":1,"order_payment_method":"","payment_method":{"instrument_token":"tok","p'
    'ayment_method_id":"stripe.card","instrument_type":"stored_card","verified_at":"2026-01-3'
    '1T12:00:00Z"},"terms":{"billing_period_count":1,"commitment_count":0,"max_cycles":null,"'
    'tiers":[],"price_source":"locked","free_shipping":false},"origin_order_id":100,"anchor_a'
    't":"2026-01-31T12:00:00Z","anchor_cycle":1,"next_cycle":2,"created_at":"2026-01-31T12:00'
    ':00Z","updated_at":"2026-01-31T12:00:00Z","event_seq":1,"paid_cycles":1,"dunning":null,"'
    'action_link":null,"scheduled":[],"contract":null}'
)

RICH_SUB = (
    '{"store_hash":"store1","id":"sub_rich","customer_id":7,"status":"active","cadence":{"lab'
    'el":"Monthly","interval":"month","interval_count":1,"discount_percent":"0","retired":fal'
    'se,"option_value_id":null},"currency":"USD","lines":[{"product_id":111,"variant_id":null'
    ',"name":"","sku":"","quantity":1,"price_ex_tax":"20.00","price_inc_tax":"20.00","product'
    '_options":[]}],"billing_address":{"first_name":"Ada","zip":"12345"},"shipping_address":{'
    '"zip":"9"},"extra_shipping_addresses":[],"shipping_cost_ex_tax":"4.10","shipping_cost_in'
    'c_tax":"0","delivery_locations":[{"id":"loc_0123456789","label":"HQ","address":{"first_n'
    'ame":"Bo","zip":"1"},"shipping_cost_ex_tax":"5.00","shipping_cost_inc_tax":"5.50","quant'
    'ities":[1],"added_at":"2026-01-31T12:00:00.250000Z"}],"channel_id":1,"order_payment_meth'
    'od":"","payment_method":{"instrument_token":"tok","payment_method_id":"stripe.card","ins'
    'trument_type":"stored_card","verified_at":"2026-01-31T12:00:00Z"},"terms":{"billing_peri'
    'od_count":1,"commitment_count":0,"max_cycles":null,"tiers":[],"price_source":"locked","f'
    'ree_shipping":false},"origin_order_id":100,"anchor_at":"2026-01-31T12:00:00Z","anchor_cy'
    'cle":1,"next_cycle":2,"created_at":"2026-01-31T12:00:00Z","updated_at":"2026-01-31T12:00'
    ':00Z","event_seq":1,"paid_cycles":1,"dunning":{"cycle":2,"failed_attempts":1,"first_fail'
    'ed_at":"2026-01-31T12:00:00Z","decline_class":"soft","next":"retry","next_retry_at":"202'
    '6-01-31T12:00:00Z","reason":"x","final_action_at":"2026-01-31T12:00:00Z","declined_instr'
    'ument":null,"recovery_instrument":null},"action_link":null,"scheduled":[{"kind":"cancel"'
    ',"at":"2026-02-20T12:00:00.000005Z","early_cancel_fee":"12.50"}],"contract":{"term_end_a'
    't":"2027-01-01T00:00:00Z","notice_period_days":30,"mode":"block"},"company":{"company_id'
    '":5,"parent_company_id":2},"open_invoices":[{"cycle":2,"order_id":9,"due_at":"2026-03-02'
    'T12:00:00Z","overdue":false}],"invoice_hold":true,"actors":[{"customer_id":7,"role":"own'
    'er","status":"active","added_at":"2026-01-31T12:00:00Z","added_by":{"type":"system","id"'
    ':"engine"},"removed_at":null},{"customer_id":7,"role":"payer","status":"active","added_a'
    't":"2026-01-31T12:00:00Z","added_by":{"type":"system","id":"engine"},"removed_at":null},'
    '{"customer_id":8,"role":"beneficiary","status":"active","added_at":"2026-01-31T12:00:00Z'
    '","added_by":{"type":"system","id":"engine"},"removed_at":null}],"custom_fields":{"team"'
    ':"blue"}}'
)

CHARGE = (
    '{"store_hash":"store1","subscription_id":"sub_rich","cycle":3,"location_id":"loc_0123456'
    '789","location":{"id":"loc_0123456789","label":"HQ","address":{"first_name":"Bo","zip":"'
    '1"},"shipping_cost_ex_tax":"5.00","shipping_cost_inc_tax":"5.50","quantities":[1],"added'
    '_at":"2026-01-31T12:00:00.250000Z"},"location_ids":["loc_0123456789"],"stage":"payment_a'
    'uthorized","amount":"20.00","currency":"USD","bc_order_id":55,"order_attempted":false,"o'
    'rder_tagged":false,"payment_attempts":0,"payment_pending":false,"transaction_id":null,"t'
    'ransaction_type":null,"decline_code":null,"decline_reason":null,"decline_class":null,"re'
    'tries":0,"reorders":0,"fulfilment_only":false,"authorization":{"amount":"20.00","currenc'
    'y":"USD","transaction_id":"t1","gateway_transaction_id":null,"authorized_at":"2026-01-31'
    'T12:00:00Z","expires_at":"2026-02-07T12:00:00Z","state":"open","requested_at":null,"capt'
    'ure_errors":0,"reason":null,"lead_hours":24,"capture_due_at":null},"refund_ids":[3],"lea'
    'se_owner":null,"lease_until":null,"created_at":"2026-01-31T12:00:00Z","updated_at":"2026'
    '-01-31T12:00:00Z"}'
)

PLAN = (
    '{"billing_period_count":1,"commitment_count":0,"max_cycles":null,"tiers":[{"min_quantity'
    '":3,"discount_percent":"2.5"}],"price_source":"locked","free_shipping":false,"product_id'
    '":111,"cadences":[{"label":"Monthly","interval":"month","interval_count":1,"discount_per'
    'cent":"0","retired":false,"option_value_id":null},{"label":"Weekly","interval":"week","i'
    'nterval_count":2,"discount_percent":"5","retired":false,"option_value_id":9}],"default_c'
    'adence":"Monthly","cadence_option_id":4,"trial_days":3,"allotments":[{"unit":"count","cu'
    'rrency_code":null,"amount_per_period":"10","cadence":{"interval":"month","interval_count'
    '":1},"rollover":"none","overdraft_limit":null,"order_debit":"none","product_ids":[],"rea'
    'son":""}],"custom_fields":{"tier":"gold"},"entitlements":[{"key":"members","customer_gro'
    'up_id":7,"priority":0}],"cancel_grace_days":2}'
)

PLAN_METAFIELD = (
    '{"tiers":[{"min_quantity":3,"discount_percent":"2.5"}],"cadences":[{"label":"Monthly","i'
    'nterval":"month"},{"label":"Weekly","interval":"week","interval_count":2,"discount_perce'
    'nt":"5","option_value_id":9}],"default_cadence":"Monthly","cadence_option_id":4,"trial_d'
    'ays":3,"allotments":[{"unit":"count","amount_per_period":"10","cadence":{"interval":"mon'
    'th"}}],"custom_fields":{"tier":"gold"},"entitlements":[{"key":"members","customer_group_'
    'id":7}],"cancel_grace_days":2}'
)

GRANT = (
    '{"id":"grt_1","store_hash":"store1","customer_id":7,"unit":"currency","currency_code":"U'
    'SD","amount_per_period":"25.00","balance":"25.00","rollover":"none","overdraft_limit":nu'
    'll,"cadence":{"interval":"month","interval_count":1},"anchor":"2026-01-31T12:00:00Z","pe'
    'riod":1,"next_refresh_at":"2026-02-28T12:00:00Z","status":"active","granted_by":{"kind":'
    '"merchant","id":"u1"},"reason":"","order_debit":"none","product_ids":[],"subscription_id'
    '":null,"custom_fields":{"po":"x"},"created_at":"2026-01-31T12:00:00Z","updated_at":"2026'
    '-01-31T12:00:00Z","event_seq":1}'
)

DEBIT = (
    '{"id":"dbt_1","store_hash":"store1","grant_id":"grt_1","amount":"5.00","requested_amount'
    '":"5.00","source":{"kind":"order","id":"55"},"reason":"","created_at":"2026-01-31T12:00:'
    '00Z","reversed_at":null,"reversal_reason":null,"reversed_amount":"1.00","reversals":{"re'
    'fund:3":"1.00"},"reversal_times":{"refund:3":"2026-01-31T12:00:00Z"}}'
)

ENTITLEMENT = (
    '{"store_hash":"store1","subscription_id":"sub_1","key":"members","customer_group_id":7,"'
    'priority":0,"holder_customer_id":7,"cancel_grace_days":2,"status":"pending","created_at"'
    ':"2026-01-31T12:00:00Z","changed_at":"2026-01-31T12:00:00Z","granted_at":null,"revoke_at'
    '":null,"seen_seq":0}'
)

LEDGER = (
    '{"store_hash":"store1","customer_id":7,"holdings":{"sub_1/members":{"customer_group_id":'
    '7,"priority":0,"since":"2026-01-31T12:00:00Z"}},"original_group_id":1,"applied_group_id"'
    ':null,"in_flight_group_id":null,"hand_changed_to":null,"pending":true,"changed_at":"2026'
    '-01-31T12:00:00Z"}'
)

CUSTOM_FIELD = (
    '{"key":"po_number","scope":"subscription","type":"text","label":"PO","description":"","r'
    'equired":false,"default":null,"pattern":null,"max_length":20,"choices":[],"visible_to_su'
    'bscriber":true,"editable_by_subscriber":false,"archived":false}'
)


def _kinds() -> list[tuple[str, type[Any]]]:
    return [
        (CHARGE, Charge),
        (PLAN, Plan),
        (GRANT, AllotmentGrant),
        (DEBIT, AllotmentDebit),
        (ENTITLEMENT, Entitlement),
        (LEDGER, GroupLedger),
        (CUSTOM_FIELD, CustomFieldDefinition),
    ]


@pytest.mark.parametrize(("document", "kind"), _kinds())
def test_a_stored_record_reads_back_and_is_written_the_same(document: str, kind: type) -> None:
    # Given a document the pydantic version wrote / When it is read and written again
    written = to_json(from_json(kind, document))
    # Then it is the same document, byte for byte
    assert written == document


def test_the_effective_config_is_shown_as_before() -> None:
    config = effective_config(
        {
            "preset": "lenient",
            "contract_guard": {
                "term_end_at": "2027-01-01T00:00:00Z",
                "notice_period_days": 30,
                "mode": "route",
            },
            "early_cancel_fee": {"amount": "9.99", "until_paid_cycles": 3},
            "b2b": {"overdue_action": "hold"},
        }
    )
    assert to_json(config) == CONFIG
    assert to_json(effective_config(None)) == CONFIG_DEFAULT
    assert to_json_data(config)["early_cancel_fee"] == {"amount": "9.99", "until_paid_cycles": 3}


@pytest.mark.parametrize("document", [PLAIN_SUB, RICH_SUB])
def test_a_stored_subscription_reads_back_and_is_written_the_same(document: str) -> None:
    # Given a personal subscription (its empty later parts left out) and one with every part
    # When it is read and written again
    sub = from_json(Subscription, document)
    # Then it is the same document, and its parts are records again
    assert stored_json(sub) == document
    assert sub.lines[0].price_ex_tax == Decimal("20.00")


def test_a_rich_subscription_keeps_its_times_decimals_and_records() -> None:
    sub = from_json(Subscription, RICH_SUB)
    assert sub.scheduled[0].at == datetime(2026, 2, 20, 12, 0, 0, 5, tzinfo=UTC)
    assert sub.scheduled[0].early_cancel_fee == Decimal("12.50")
    assert sub.delivery_locations[0].added_at.microsecond == 250000
    assert sub.actors[2].customer_id == 8 and sub.contract is not None


def test_a_plan_is_written_to_its_metafield_as_before() -> None:
    # Given the plan a metafield holds / When it is written back
    plan = parse_plan(111, PLAN_METAFIELD)
    # Then the metafield holds only what differs from the defaults, as the pydantic one did
    assert _metafield_value(plan) == PLAN_METAFIELD
    assert to_json(plan) == PLAN
