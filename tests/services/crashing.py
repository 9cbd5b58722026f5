"""Workers that die at a chosen point: after the n-th commit, or right after a BigCommerce
call was applied but before its answer was seen. Shared by the service and topology tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KINDS = ["timeout_before", "timeout_after", "5xx_before", "5xx_after"]
# The happy path commits: claim, priced, order attempted, order created, payment attempted,
# payment captured, completed.
HAPPY_COMMITS = 7


class Crash(Exception):
    """The worker's process died here."""


class CommitHook:
    """The real unit of work, with a hook after each successful commit."""

    def __init__(self, inner: Any, after_commit: Callable[[int], None]) -> None:
        self._inner, self._after, self.commits = inner, after_commit, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> CommitHook:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def commit(self) -> None:
        self._inner.commit()
        self.commits += 1
        self._after(self.commits)


def dying_after_commit(
    uow: Callable[[], Any], n: int, *, raising: type[BaseException] = Crash
) -> Callable[[], CommitHook]:
    """Units of work from `uow` whose `n`-th commit, counted across all of them, is the
    process's last: `raising` is raised right after it landed."""
    commits = 0

    def after(_: int) -> None:
        nonlocal commits
        commits += 1
        if commits == n:
            raise raising(f"died after commit {n}")

    return lambda: CommitHook(uow(), after)


class CrashAfterCall:
    """The real BigCommerce client; `crash_after` names a call whose answer is never seen."""

    def __init__(self, inner: Any, crash_after: str) -> None:
        self._inner, self._crash_after = inner, crash_after

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._inner, name)
        if name != self._crash_after:
            return call

        def crashing(*args: Any, **kwargs: Any) -> Any:
            call(*args, **kwargs)
            raise Crash(f"died right after {name} was applied")

        return crashing


def die_after(crash_after: int) -> Callable[[int], None]:
    def die(n: int) -> None:
        if n == crash_after:
            raise Crash(f"after commit {n}")

    return die
