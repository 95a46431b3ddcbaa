"""Starts the Mi Aval processes: for `make run`, for the tests and for benchmarks.

Standard library only, so that both environments (the app's and Rasa's) can
import it.
"""
