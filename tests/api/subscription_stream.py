"""The table stream as the entitlement worker receives it, built from the stored events."""

from __future__ import annotations

from typing import Any

from devstack import lambda_events as le

from .world import ApiWorld

STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x"


def subscription_stream(world: ApiWorld) -> dict[str, Any]:
    """Every subscription event of the store as one batch of INSERT records, in sequence."""
    events = sorted(
        (e for e in world.stack.store.events(world.store_hash) if e.subscription_id is not None),
        key=lambda e: e.seq,
    )
    records = [
        {
            "eventID": f"e{i}",
            "eventName": "INSERT",
            "dynamodb": {
                "Keys": {"pk": {"S": f"SUB#{e.subscription_id}"}, "sk": {"S": f"EVENT#{i}"}},
                "NewImage": {
                    "kind": {"S": "event"},
                    "store_hash": {"S": e.store_hash},
                    "subscription_id": {"S": e.subscription_id},
                    "type": {"S": e.type},
                    "seq": {"N": str(e.seq)},
                    "envelope": {"S": e.envelope},
                },
                "SequenceNumber": str(1000 + i),
                "StreamViewType": "NEW_IMAGE",
            },
        }
        for i, e in enumerate(events)
    ]
    return le.stream_event(records, STREAM_ARN)
