"""Aval's staff console: the handoff queue, the claims inbox, cancellations, tasks and producers' reports.

A Flask app of its own (``console.app.create_app``) on Aval's side, reading and
writing the Mi Aval API's database through ``models/`` and the API's services.
"""
