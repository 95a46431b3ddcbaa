"""Custom actions of the Mi Aval assistant, one module per flow.

The action server (``python -m launcher.actions_main --actions bot.actions``:
rasa-sdk behind a bearer token) loads this package; importing the flow modules
here registers their actions.
"""

from bot.actions.settings import Settings
from envsettings import install_redaction, secret_values

# The action server's secret settings (the API token) never reach a log line, whoever logs it.
install_redaction(secret_values(Settings.from_env()))
