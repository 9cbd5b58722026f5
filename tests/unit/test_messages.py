"""The SQS message bodies: what a worker accepts, refuses and sends on."""

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.services.messages import (
    DeliverWebhook,
    MalformedMessage,
    ProcessBcWebhook,
    RenewSubscription,
)

NAN = float("nan")
DUE = datetime(2026, 12, 1, 10, 30, 0, 123456, tzinfo=UTC)


def test_each_body_reads_back_what_was_sent() -> None:
    renew = RenewSubscription(store_hash="s1", subscription_id="sub_1", cycle=3, paced_quota=150)
    deliver = DeliverWebhook(
        store_hash="s1",
        endpoint_id="ep_1",
        event_id="evt_1",
        event_type="subscription.renewed",
        body="{}",
        attempt=4,
        not_before=DUE,
    )
    hook = ProcessBcWebhook(
        store_hash="s1", delivery_hash="h1", scope="store/order/created", data={"id": 7}
    )
    for message in (renew, deliver, hook):
        assert type(message).from_json(message.to_json()) == message


def test_a_date_time_is_sent_in_utc_with_z_and_defaults_are_kept() -> None:
    deliver = DeliverWebhook(
        store_hash="s1", endpoint_id="e", event_id="v", event_type="t", body="{}", not_before=DUE
    )
    assert json.loads(deliver.to_json())["not_before"] == "2026-12-01T10:30:00.123456Z"
    plain = RenewSubscription.from_json('{"store_hash":"s","subscription_id":"x","cycle":2}')
    assert plain.paced_quota is None
    assert DeliverWebhook.from_json(deliver.to_json()).not_before == DUE


def test_members_a_newer_sender_adds_are_ignored() -> None:
    body = '{"store_hash":"s","subscription_id":"x","cycle":2,"priority":"high"}'
    assert RenewSubscription.from_json(body) == RenewSubscription(
        store_hash="s", subscription_id="x", cycle=2
    )


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[]",
        "null",
        '{"subscription_id":"x","cycle":2}',  # no store
        '{"store_hash":"","subscription_id":"x","cycle":2}',
        '{"store_hash":"s","subscription_id":"x","cycle":1}',  # the first cycle is the order
        '{"store_hash":"s","subscription_id":"x","cycle":"2"}',
        '{"store_hash":"s","subscription_id":"x","cycle":true}',
        '{"store_hash":"s","subscription_id":"x","cycle":2.5}',
        '{"store_hash":"s","subscription_id":"x","cycle":2,"paced_quota":0}',
        '{"store_hash":7,"subscription_id":"x","cycle":2}',
        '{"store_hash":"' + "s" * 65 + '","subscription_id":"x","cycle":2}',
    ],
)
def test_a_malformed_renewal_is_refused(body: str) -> None:
    with pytest.raises(MalformedMessage):
        RenewSubscription.from_json(body)


@pytest.mark.parametrize(
    "members",
    [
        {"attempt": 0},
        {"body": "x"},
        {"event_id": ""},
        {"not_before": "tomorrow"},
        {"not_before": 1764585000},
    ],
)
def test_a_malformed_delivery_is_refused(members: dict[str, object]) -> None:
    body = {"store_hash": "s", "endpoint_id": "e", "event_id": "v", "event_type": "t", "body": "{}"}
    with pytest.raises(MalformedMessage):
        DeliverWebhook.from_json(json.dumps(body | members))


@pytest.mark.parametrize(
    "members",
    [{"store_hash": "a-b"}, {"store_hash": "abc\n"}, {"data": []}, {"scope": ""}, {"data": None}],
)
def test_a_malformed_webhook_job_is_refused(members: dict[str, object]) -> None:
    body = {"store_hash": "s1", "delivery_hash": "h", "scope": "store/order/created", "data": {}}
    with pytest.raises(MalformedMessage):
        ProcessBcWebhook.from_json(json.dumps(body | members))


def test_building_a_bad_message_is_refused_too() -> None:
    with pytest.raises(MalformedMessage):
        RenewSubscription(store_hash="s", subscription_id="x", cycle=0)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
NAMES = st.sampled_from(
    [
        "store_hash",
        "subscription_id",
        "cycle",
        "paced_quota",
        "endpoint_id",
        "event_id",
        "event_type",
        "body",
        "attempt",
        "not_before",
        "delivery_hash",
        "scope",
        "data",
    ]
)
SHAPED = st.dictionaries(NAMES, JSON).map(json.dumps)


@given(st.text() | st.binary() | SHAPED)
def test_any_body_is_read_or_refused_as_malformed_never_anything_else(body: str | bytes) -> None:
    for message in (RenewSubscription, DeliverWebhook, ProcessBcWebhook):
        with contextlib.suppress(MalformedMessage):
            message.from_json(body)


def test_a_body_is_sent_as_ascii_and_reads_back_the_same_text() -> None:
    # Given a webhook job whose data holds text SQS would refuse raw (U+FFFF) and accents
    job = ProcessBcWebhook(
        store_hash="abc123", delivery_hash="h", scope="s", data={"note": "caf\u00e9 \uffff"}
    )
    # When it is sent
    body = job.to_json()
    # Then only ASCII goes out, and the text comes back as it was
    assert body.isascii()
    assert ProcessBcWebhook.from_json(body) == job


def test_a_body_holding_a_nan_is_never_sent() -> None:
    job = ProcessBcWebhook(store_hash="abc123", delivery_hash="h", scope="s", data={"x": NAN})
    with pytest.raises(ValueError, match="JSON"):
        job.to_json()
