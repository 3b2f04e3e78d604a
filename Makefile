# sclient: `make demo` shows it working, `make test` runs every test.
#
# Everything runs from a virtual environment in .venv, made on first use
# (needs python3 with venv; on Debian: apt-get install python3-venv), with
# the exact versions of constraints.txt (the lock).
# Use another interpreter with `make test PYTHON=python3.12` (its own venv,
# .venv-python3.12). `make test-latest` runs the suite on the newest releases
# of every dependency instead, in .venv-latest; `make lock` moves the lock to them.

PYTHON    ?= python3
VENV      ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
LOCK      := $(abspath constraints.txt)
PIP       := --quiet --disable-pip-version-check
DEMO_PORT ?= 4433
DEMO_PKI  ?= demo-pki

.PHONY: all install demo test lint bench clean test-latest test-oldest lock

all: test

# PIP_CONSTRAINT (not -c) so that the build backend's isolated install is pinned too.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=$(LOCK) $(PY) -m pip install $(PIP) -e '.[test]'
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
# The suite mostly waits on servers and child processes, so it runs in
# TEST_WORKERS processes (pytest-xdist; a test file stays in one process, with
# its module-scoped servers); TEST_WORKERS=0 runs it in this process alone. The
# temporary directory is short because the real servers' unix sockets live
# under it (108 bytes at most), and it is removed after the run.
TEST_WORKERS ?= 4
test: $(STAMP)
	@$(PY) -m compileall -q src > /dev/null
	@tmp=$$(mktemp -d /tmp/sct.XXXXXX) && chmod 755 $$tmp; \
	echo "$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --basetemp=$$tmp"; \
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --basetemp=$$tmp; \
	status=$$?; rm -rf $$tmp; exit $$status

# The newest release of every dependency (not the lock), in a venv of its own:
# run on purpose before moving the lock, never by CI.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install $(PIP) --upgrade pip
	.venv-latest/bin/python -m pip install $(PIP) --upgrade -e '.[test]'
	@.venv-latest/bin/python -m pip freeze --exclude-editable | sed 's/^/latest: /'
	@.venv-latest/bin/python -m compileall -q src > /dev/null
	.venv-latest/bin/python -m pytest -q

# The lock with cryptography at the floor pyproject.toml states.
OLDEST_CRYPTOGRAPHY := 45.0.1
test-oldest:
	rm -rf .venv-oldest
	$(PYTHON) -m venv .venv-oldest
	sed 's/^cryptography==.*/cryptography==$(OLDEST_CRYPTOGRAPHY)/' constraints.txt > .venv-oldest/constraints.txt
	PIP_CONSTRAINT=$(abspath .venv-oldest/constraints.txt) .venv-oldest/bin/python -m pip install $(PIP) -e '.[test]'
	@.venv-oldest/bin/python -m pip freeze --exclude-editable | grep -i '^cryptography=='
	@.venv-oldest/bin/python -m compileall -q src > /dev/null
	.venv-oldest/bin/python -m pytest -q

# Rewrite constraints.txt from the newest releases (keeping its header).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install $(PIP) --upgrade -e '.[dev]' 'setuptools>=64'
	{ sed -n '/^#/p' constraints.txt; \
	  .venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -v '^pip=='; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-lock
	@git diff --stat -- constraints.txt || true

# Timings side by side with openssl (not tests; see bench/README.md).
bench: $(STAMP)
	@$(PY) -m compileall -q src > /dev/null
	$(PY) bench/one_connection.py
	$(PY) bench/instructions.py
	$(PY) bench/import_profile.py
	$(PY) bench/handshakes.py
	$(PY) bench/verify_chain.py
	$(PY) bench/bulk.py

lint: $(STAMP)
	PIP_CONSTRAINT=$(LOCK) $(PY) -m pip install $(PIP) -e '.[dev]'
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests
	$(PY) -m mypy

clean:
	rm -rf .venv .venv-* $(DEMO_PKI) .pytest_cache .mypy_cache .ruff_cache build dist
