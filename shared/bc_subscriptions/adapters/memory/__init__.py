"""In-memory storage: the unit of work's semantics without DynamoDB, for fast tests and benches.

`tests/integration/test_storage_contract.py` runs the same cases against this and the DynamoDB
unit of work, so the two cannot drift apart.
"""

from .change_requests import MemoryChangeRequestReads
from .indexes import MemoryDueSubscriptions, MemoryOpenAuthorizations
from .plan_cache import MemoryOpsEvents, MemoryPlanCache
from .store import MemoryStore
from .store_records import MemoryInstalls, MemoryRemovedUsers
from .subscription_reads import MemorySubscriptionReads
from .unit_of_work import MemoryUnitOfWork

__all__ = [
    "MemoryChangeRequestReads",
    "MemoryDueSubscriptions",
    "MemoryInstalls",
    "MemoryOpenAuthorizations",
    "MemoryOpsEvents",
    "MemoryPlanCache",
    "MemoryRemovedUsers",
    "MemoryStore",
    "MemorySubscriptionReads",
    "MemoryUnitOfWork",
]
