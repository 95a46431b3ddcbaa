"""Custom actions of the Mi Aval assistant, one module per flow.

The action server loads this package (``rasa run actions --actions bot.actions``);
importing the flow modules here registers their actions.
"""
