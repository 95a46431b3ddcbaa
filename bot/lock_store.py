"""Rasa's Redis lock store with leases: a replica that dies mid-turn holds its conversations for a lease, not
for a lock's whole lifetime.

Rasa serves one turn at a time per conversation with a ticket lock in Redis
(``rasa.core.lock_store.RedisLockStore``). Each ticket lives a fixed lifetime
(``TICKET_LOCK_LIFETIME``, 20 s in the production profile): a replica killed
mid-turn leaves its ticket behind, and the conversation, failed over by the
gateway to another replica, waits until that lifetime ends (p99 10.7 s in the
fault test under load).

Here a ticket lives ``LEASE_SECONDS`` and the process that issued it renews it
``RENEWALS_PER_LEASE`` times a lease until its turn ends, from a thread of its own (it goes
on while the event loop is busy predicting): a live turn keeps its ticket as
long as it takes, a dead process's tickets expire within a lease. A waiting
turn looks again every ``POLL_SECONDS`` (Rasa: every second).

Every change to a lock (issue, renew, finish) is one Redis transaction
(WATCH/MULTI): Rasa's read-modify-write of the lock's JSON could lose a ticket
another replica issued between the read and the write.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from typing import AsyncGenerator, Callable, Optional

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

LEASE_SECONDS = 2.0
RENEWALS_PER_LEASE = 4
POLL_SECONDS = 0.05


class LeasedRedisLockStore(RedisLockStore):
    """endpoints.yml ``lock_store: {type: bot.lock_store.LeasedRedisLockStore, url: host, port: port}``."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        lease_seconds: float = LEASE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
        **kwargs,
    ) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config else {}
        options.update(kwargs)
        options.pop("lock_lifetime", None)
        host = (endpoint_config.url if endpoint_config else None) or options.pop("host", "localhost")
        super().__init__(host=host, **options)
        self.lease_seconds = lease_seconds
        self.renew_seconds = lease_seconds / RENEWALS_PER_LEASE
        self.poll_seconds = poll_seconds
        self._held: set[tuple[str, int]] = set()
        self._held_lock = threading.Lock()
        self._renewer: Optional[threading.Thread] = None

    # -- one turn --------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = 0, wait_time_in_seconds: float = 0
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``async with lock_store.lock(sender_id)``: the lifetime and wait asked for are the lease's."""
        ticket = self.issue_ticket(conversation_id)
        self._hold(conversation_id, ticket)
        try:
            yield await self._acquire(conversation_id, ticket)
        finally:
            self._release(conversation_id, ticket)
            self.cleanup(conversation_id, ticket)

    async def _acquire(self, conversation_id: str, ticket: int) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None or _live_ticket(lock, ticket) is None:
                # Only when this process could not renew its ticket for a whole lease (Redis was away).
                raise LockError(f"ticket {ticket} expired while waiting")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(self.poll_seconds)

    # -- the lock's changes, each one transaction ---------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 0) -> int:
        issued: list[int] = []

        def issue(lock: Optional[TicketLock]) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued.append(lock.issue_ticket(self.lease_seconds))
            return lock

        try:
            self._change(conversation_id, issue)
        except redis.RedisError as failure:
            raise LockError(f"could not issue a ticket: {type(failure).__name__}") from failure
        return issued[-1]

    def renew(self, conversation_id: str, ticket: int) -> bool:
        """This ticket's lease starts again now; False if it had already expired (or the lock is gone)."""
        renewed: list[bool] = []

        def extend(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            held = _live_ticket(lock, ticket) if lock else None
            if held is not None:
                held.expires = time.time() + self.lease_seconds
            renewed.append(held is not None)
            return lock

        self._change(conversation_id, extend)
        return renewed[-1]

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._change(conversation_id, finish)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock)  # a change drops the expired tickets

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def _change(self, conversation_id: str, change: Callable[[Optional[TicketLock]], Optional[TicketLock]]) -> None:
        """Read the lock, change it, write it back (deleted once no ticket is left), unless another process wrote
        it in between: then again."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
                    if lock is not None:
                        lock.remove_expired_tickets()
                    pipe.multi()
                    if lock is None or not lock.tickets:
                        pipe.delete(key)
                    else:
                        # Redis forgets a lock nobody renews (a dead process's, with no one waiting).
                        pipe.set(key, lock.dumps(), px=int(_last_expiry(lock) - time.time() * 1000) + 1000)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    # -- the leases this process holds -------------------------------------------

    def _hold(self, conversation_id: str, ticket: int) -> None:
        with self._held_lock:
            self._held.add((conversation_id, ticket))
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(target=self._renew_forever, name="lock-leases", daemon=True)
                self._renewer.start()

    def _release(self, conversation_id: str, ticket: int) -> None:
        with self._held_lock:
            self._held.discard((conversation_id, ticket))

    def _renew_forever(self) -> None:
        while True:
            time.sleep(self.renew_seconds)
            with self._held_lock:
                held = list(self._held)
            for conversation_id, ticket in held:
                try:
                    self.renew(conversation_id, ticket)
                except redis.RedisError as failure:  # no conversation id in the log: it is the customer's
                    log.warning("could not renew a conversation's lock lease: %s", type(failure).__name__)


def _live_ticket(lock: TicketLock, number: int) -> Optional[Ticket]:
    """The ticket numbered ``number``, unless it expired."""
    return next((t for t in lock.tickets if t.number == number and not t.has_expired()), None)


def _last_expiry(lock: TicketLock) -> float:
    """The latest expiry of the lock's tickets, in milliseconds since the epoch."""
    return max(ticket.expires for ticket in lock.tickets) * 1000
