# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint unit servers bench clean format

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/interview-agent demo

servers:
	@command -v dovecot >/dev/null 2>&1 || { \
	  echo "installing dovecot-imapd (needed by the IMAP tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; }
	@command -v systemd-analyze >/dev/null 2>&1 || { \
	  echo "installing systemd (for systemd-analyze verify)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null; }
	@tests/install_servers.sh  # Cyrus and Courier, unpacked beside Dovecot (quick once done)

lint: $(STAMP)
	$(BIN)/ruff check agent tests benchmarks
	$(BIN)/ruff format --check agent tests benchmarks
	$(BIN)/mypy --strict
	$(BIN)/lint-imports

# The fast tier: every test that starts no server (the edit-test loop), with a tenth of the
# property tests' examples (hypothesis profile `dev`, see tests/conftest.py) unless one is set.
unit: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-dev} $(BIN)/pytest -q -m "not servers"

test: $(STAMP) servers lint
	$(BIN)/pytest -q

bench: $(STAMP) servers
	$(BIN)/python benchmarks/corpus_eval.py
	$(BIN)/python benchmarks/daemon_bench.py
	$(BIN)/python benchmarks/servers_bench.py
	$(BIN)/python benchmarks/plan_bench.py
	$(BIN)/python benchmarks/scan.py --quick
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/concurrency.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) build *.egg-info

format: $(STAMP)
	$(BIN)/ruff format agent tests benchmarks
	$(BIN)/ruff check --fix agent tests benchmarks
