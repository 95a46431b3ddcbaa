"""Rasa's conversation store, private at rest (Ley 25.326).

Rasa keeps every conversation (texts, entities, slot values) in its tracker
store. Ours (:mod:`conversation_store.tracker_store`) is Rasa's SQL store with
each event's data sealed by Fernet and each sender id replaced by a keyed hash,
so that a copy of the database shows neither what was said nor who said it.

The other modules need only SQLAlchemy (1.4 in Rasa's environment, 2.x in the
app's) and, for sealing, ``cryptography``: the Mi Aval API erases and purges
conversations through :mod:`conversation_store.rows` without reading them.
"""
