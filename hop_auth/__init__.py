"""Authentication of the internal hops (gateway -> Rasa, Rasa -> action server).

Standard library only: both Python environments import it (the gateway's 3.11
and Rasa's 3.10), so the signing and the verifying code are the same code.

- ``hop_auth.signing``: the gateway's HMAC signature over sender, message and
  time, and its check (stale, future, forged and replayed requests refused).
- ``hop_auth.replay``: where the nonces already seen are kept.
- ``hop_auth.bearer``: the action server's bearer token check.
- ``hop_auth.shared_secrets``: the names of the shared secrets and how a process reads one.
"""
