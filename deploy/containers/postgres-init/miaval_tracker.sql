-- The official postgres image runs this once, on an empty data directory, as POSTGRES_USER (compose.yaml):
-- Rasa's conversation store gets its own database, as in the production profile (launcher/profiles.py).
CREATE DATABASE miaval_tracker;
