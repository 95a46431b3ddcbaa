"""``python -m conversation_store``: create the store's tables (Rasa's environment, the store's variables).

Rasa replicas that start together on one empty PostgreSQL database would race
to create the same tables: the launcher creates them once first.
"""

from conversation_store.tracker_store import EncryptedSQLTrackerStore

if __name__ == "__main__":
    EncryptedSQLTrackerStore().engine.dispose()
