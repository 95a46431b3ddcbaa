# Mi Aval assistant. The two commands a newcomer needs:
#   make run    install what is missing, prepare the embedded database with the
#               demo data, train the assistant if its data changed, start it all
#   make test   every test (API, assistant, channels, browser, faults)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY      := .venv/bin/python
RASA_PY := .venv-rasa/bin/python
RASA    := .venv-rasa/bin/rasa
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's telemetry would try to reach the internet: nothing leaves this machine.
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup services run test train validate test-stories test-python test-assistant nlu-report bench soak lint lock chat screenshots \
	review-export retrain-check

help:
	@echo "make run        start the assistant with demo data (see README)"
	@echo "make test       run every test"
	@echo "make chat       talk to the running assistant in this terminal"
	@echo "make nlu-report held-out accuracy and 5-fold NLU cross-validation (reports/nlu/)"
	@echo "make bench      latency and throughput of the whole path"
	@echo "make lint       ruff"
	@echo "make review-export  the console's reviewed messages to bot/data/nlu/reviewed.yml (and the held-out share)"
	@echo "make retrain-check  train a candidate, compare it with the current model, keep it if nothing got worse"

setup:
	@scripts/bootstrap.sh

run: setup
	@$(PY) -m launcher run

train: setup
	@$(PY) -m launcher train

chat: setup
	@$(PY) -m launcher chat

# Once the environments, the services and the model are ready, the rest runs at once (make -j; each part's output
# is printed whole when it ends): the data's validation, Rasa's test stories, the suites of Rasa's environment and
# the app's suites, these in PYTEST_WORKERS pytest-xdist workers (each starts its own services on free ports, over
# its own databases).
test: setup services train
	@$(MAKE) --no-print-directory -j4 --output-sync=target validate test-stories test-assistant test-python

validate:
	@$(RASA) data validate --fail-on-warnings --domain domain --data bot/data --config config.yml

test-stories:
	@$(PY) -m launcher test-stories

# What the tests need besides Python: PostgreSQL up, Debian's chromium for the web chat.
services:
	@scripts/ensure_test_services.sh

# Tests in the app's environment (API, api_client, channels, browser, end to end), in parallel workers: a test
# module runs whole on one worker, and so does a package whose services start once for the package
# (tests/conftest.py); then, alone, the tests that disrupt what the others share (pytest.ini's "alone").
# PYTEST_WORKERS=0 runs them in this one process.
PYTEST_WORKERS ?= 2
APP_TESTS := tests --ignore=tests/actions --ignore=tests/nlu --ignore=tests/conversation_store \
	--ignore=tests/event_broker --ignore=tests/model_loading --ignore=tests/rasa_speedups --ignore=tests/lock_store
test-python:
	@$(PY) -m pytest $(APP_TESTS) -n $(PYTEST_WORKERS) --no-loadscope-reorder -m "not alone"
	@$(PY) -m pytest $(APP_TESTS) -m alone

# Tests in Rasa's environment (custom actions, the conversation store, the event broker, the lock store, NLU on
# held-out messages, model loading, the Rasa server's speed-ups).
test-assistant:
	@$(RASA_PY) -m pytest tests/actions tests/conversation_store tests/event_broker tests/lock_store tests/nlu \
		tests/model_loading tests/rasa_speedups

nlu-report: setup train
	@$(PY) -m launcher nlu-report

# The loads of benchmarks/run.py, then ours against the anchor, Rasa's starter bot (benchmarks/anchor.py).
bench: setup train
	@$(PY) -m benchmarks.run
	@$(PY) -m benchmarks.anchor

soak: setup train
	@$(PY) -m benchmarks.run --soak

# The README's pictures of the web chat widget (desktop and phone) and of the staff console, taken by their
# browser tests.
screenshots: setup
	@rm -rf var/screenshots
	@$(PY) -m pytest tests/channels/test_webchat_a11y.py -q -k test_screenshots --basetemp=var/screenshots
	@mkdir -p docs/screenshots && cp var/screenshots/test_screenshots_*0/widget-*.png docs/screenshots/
	@rm -rf var/screenshots
	@$(PY) -m pytest tests/console/test_console_browser.py -q --basetemp=var/screenshots
	@cp var/screenshots/console-screenshots0/console-*.png docs/screenshots/
	@rm -rf var/screenshots
	@$(PY) -m pytest tests/console/test_learning_browser.py -q --basetemp=var/screenshots
	@cp var/screenshots/learning-screenshots0/console-*.png docs/screenshots/

# The messages reviewed in the console's review queue → training data (conversation_facts/review.py).
review-export: setup
	@$(PY) -m conversation_facts.review

# A candidate model from the current data, tested as the current one; it replaces it only if no figure got worse.
retrain-check: setup
	@nice $(PY) -m launcher.retrain_check

lint: setup
	@.venv/bin/ruff check .

lock:
	@scripts/lock.sh
