.PHONY: setup test demo templates bench

setup:
	scripts/setup.sh

test: setup
	.venv/bin/python -m pytest -q

demo: setup
	scripts/demo.sh

templates:
	.venv/bin/pia-excel templates build

bench:
	.venv/bin/python bench/run.py
