"""Rendezvous hashing: each sender has one home replica, the same in every process, and few move when one goes."""

from __future__ import annotations

from collections import Counter

from channels.routing import replica_order

REPLICAS = ["http://127.0.0.1:5005", "http://127.0.0.1:5006", "http://127.0.0.1:5007"]
SENDERS = [f"web:sender-{index}" for index in range(3000)]


def test_a_sender_always_gets_the_same_order_whatever_the_list_order():
    for sender in SENDERS[:50]:
        order = replica_order(sender, REPLICAS)
        assert sorted(order) == sorted(REPLICAS)
        assert replica_order(sender, list(reversed(REPLICAS))) == order


def test_senders_spread_over_the_replicas():
    homes = Counter(replica_order(sender, REPLICAS)[0] for sender in SENDERS)
    assert set(homes) == set(REPLICAS)
    assert min(homes.values()) > len(SENDERS) / len(REPLICAS) * 0.85


def test_removing_a_replica_moves_only_its_own_senders_to_their_next_choice():
    gone = REPLICAS[1]
    rest = [replica for replica in REPLICAS if replica != gone]
    for sender in SENDERS:
        before = replica_order(sender, REPLICAS)
        after = replica_order(sender, rest)
        assert after == [replica for replica in before if replica != gone]
