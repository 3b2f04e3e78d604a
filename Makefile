# sclient: `make demo` shows it working, `make test` runs every test.
#
# Everything runs from a virtual environment in .venv, made on first use
# (needs python3 with venv; on Debian: apt-get install python3-venv).
# Use another interpreter with `make test PYTHON=python3.12`.

PYTHON    ?= python3
VENV      ?= .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
DEMO_PORT ?= 4433
DEMO_PKI  ?= demo-pki

.PHONY: all install demo test lint bench clean

all: test

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(STAMP)

# Start the demo server for one connection, connect with stdin closed (so the
# client prints its full summary and exits), then make sure the server is gone.
demo: $(STAMP)
	@rm -f $(VENV)/demo-server.log; \
	$(PY) -m sclient.demo --once --port $(DEMO_PORT) --pki $(DEMO_PKI) > $(VENV)/demo-server.log 2>&1 & \
	server=$$!; \
	for i in $$(seq 1 100); do \
		grep -q '^listening' $(VENV)/demo-server.log 2>/dev/null && break; \
		kill -0 $$server 2>/dev/null || break; \
		sleep 0.1; \
	done; \
	if ! grep -q '^listening' $(VENV)/demo-server.log; then \
		echo "demo server did not start:" >&2; cat $(VENV)/demo-server.log >&2; \
		kill $$server 2>/dev/null; exit 1; \
	fi; \
	echo "+ sclient -connect localhost:$(DEMO_PORT) -CAfile $(DEMO_PKI)/root.pem < /dev/null" >&2; \
	$(PY) -m sclient -connect localhost:$(DEMO_PORT) -CAfile $(DEMO_PKI)/root.pem < /dev/null; \
	status=$$?; \
	for i in $$(seq 1 30); do kill -0 $$server 2>/dev/null || break; sleep 0.1; done; \
	kill $$server 2>/dev/null; wait $$server 2>/dev/null; \
	exit $$status

# Byte-compile first: the tests start sclient hundreds of times, and with
# PYTHONDONTWRITEBYTECODE set each start would compile every module again.
test: $(STAMP)
	@$(PY) -m compileall -q src > /dev/null
	$(PY) -m pytest -q

# Timings side by side with openssl (not tests; see bench/README.md).
bench: $(STAMP)
	@$(PY) -m compileall -q src > /dev/null
	$(PY) bench/one_connection.py
	$(PY) bench/handshakes.py
	$(PY) bench/verify_chain.py
	$(PY) bench/bulk.py

lint: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests
	$(PY) -m mypy

clean:
	rm -rf $(VENV) $(DEMO_PKI) .pytest_cache .mypy_cache .ruff_cache build dist
