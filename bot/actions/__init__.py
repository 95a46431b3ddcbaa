"""Custom actions of the Mi Aval assistant, one module per flow.

The action server (``python -m launcher.actions_main --actions bot.actions``:
rasa-sdk behind a bearer token) loads this package; importing the flow modules
here registers their actions.
"""
