"""In-memory storage: the unit of work's semantics without DynamoDB, for fast tests and benches.

`tests/integration/test_storage_contract.py` runs the same cases against this and the DynamoDB
unit of work, so the two cannot drift apart.
"""

from .store import MemoryStore
from .unit_of_work import MemoryUnitOfWork

__all__ = ["MemoryStore", "MemoryUnitOfWork"]
