"""The rules of the Mi Aval API. Handlers call these; these never see Flask."""
