"""The relay reads a store's endpoints once per stream batch, not once per event."""

from bc_subscriptions.ports.storage import Endpoint
from bc_subscriptions.services.outbox_relay import EndpointsOfBatch


class _CountingEndpoints:
    def __init__(self) -> None:
        self.reads: list[str] = []

    def list(self, store_hash: str) -> list[Endpoint]:
        self.reads.append(store_hash)
        return [
            Endpoint(
                store_hash=store_hash,
                endpoint_id=f"ep_{store_hash}",
                url="https://merchant.example/hooks",
                secret_ciphertext="ciphertext",
                event_types=frozenset({"*"}),
                enabled=True,
            )
        ]


def test_each_store_of_a_batch_is_read_once_and_keeps_its_own_endpoints() -> None:
    # Given a batch of events from two stores
    source = _CountingEndpoints()
    batch = EndpointsOfBatch(source)
    # When every event of the batch asks for its store's endpoints
    seen = [batch.list(store)[0].endpoint_id for store in ("a", "b", "a", "a", "b")]
    # Then each store was read once and every event got its own store's endpoints
    assert source.reads == ["a", "b"]
    assert seen == ["ep_a", "ep_b", "ep_a", "ep_a", "ep_b"]


def test_a_new_batch_reads_again() -> None:
    # Given a store read by one batch
    source = _CountingEndpoints()
    EndpointsOfBatch(source).list("a")
    # When the next batch relays
    EndpointsOfBatch(source).list("a")
    # Then it reads the store's endpoints afresh (an endpoint added meanwhile is seen)
    assert source.reads == ["a", "a"]
