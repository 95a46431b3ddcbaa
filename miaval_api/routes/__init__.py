"""Blueprints, one per resource. Handlers only parse, call a service and shape the answer."""
