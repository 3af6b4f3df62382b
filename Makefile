# The everyday verbs. `make run` and `make test` install whatever is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RASA_TESTS := tests/bot tests/actions tests/catalog tests/nlu
ENV := . scripts/env.sh &&

.PHONY: help setup deps venvs model run test lint test-rasa-side test-backoffice validate test-stories bench

help:
	@echo "make run    install what is missing, then start every process (Ctrl-C stops them)"
	@echo "make test   install what is missing, then run every test"
	@echo "make bench  run the benchmarks under bench/"

setup:
	scripts/setup.sh all

deps venvs model:
	scripts/setup.sh $@

run: setup
	@$(ENV) exec .venv/bin/honcho --env /dev/null start

lint: venvs
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

validate: venvs
	$(ENV) .venv-rasa/bin/rasa data validate --config config.yml --domain domain.yml \
		--data data/nlu data/rules --fail-on-warnings

test-rasa-side: venvs
	$(ENV) .venv-rasa/bin/python -m pytest -q $(wildcard $(RASA_TESTS))

test-backoffice: venvs
	$(ENV) .venv/bin/python -m pytest -q tests $(addprefix --ignore=,$(RASA_TESTS))

test-stories: model
	$(ENV) .venv-rasa/bin/rasa test core --model models/seva.tar.gz --stories tests/stories \
		--fail-on-prediction-errors --out var/test-results

test: setup lint validate test-rasa-side test-stories test-backoffice

# The open-loop bench at the knee, beside the `rasa init` baseline (README "Measured" for the full sweep).
bench: setup
	$(ENV) .venv/bin/python -m bench.open_loop --rate 20 --seconds 60 --rasa-instances 2
	$(ENV) .venv/bin/python -m bench.open_loop --rate 20 --seconds 60 --baseline
