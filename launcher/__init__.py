"""Starts the Mi Aval processes: for `make run`, for the tests and for benchmarks.

Standard library only (the services' settings modules it imports too), so
that both environments (the app's and Rasa's) can import it.
"""
