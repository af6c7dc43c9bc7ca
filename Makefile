# Text-classification report suite. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
# The PDF and the HTML build side by side (each is one process).
MAKEFLAGS += --jobs=2

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

PROFILE ?= quick
DATA ?= auto
DATA_DIR ?= data/raw
SEEDS ?=
ONLY ?=
FORCE ?=
PDF_ENGINE ?=
EXECUTOR ?=
# Runs at once on this machine, each a process with its share of the cores. Two at once finished 14 quick-profile
# networks in 85 s against 134 s one at a time on 2 cores, with the same predictions (docs/speed.md).
JOBS ?= 2
# The results set to render (e.g. full-real); empty: the set `make experiments` last ran.
RESULTS ?=

TEMPLATES := $(wildcard templates/*.j2 templates/*.yaml templates/*.bib)
TEX_PACKAGES := texlive-latex-recommended texlive-fonts-recommended lmodern texlive-xetex poppler-utils
BROWSER_PACKAGES := chromium chromium-driver
PORT ?= 8000

.PHONY: help install lock mutation gpu tex browser preview experiments report render markdown test bench bench-report data check-data clean distclean vectors tensorboard bench-vectors bench-suite bench-stats

help: ## List the targets and the settings they read
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Settings: PROFILE=quick|full  DATA=auto|real|embedded  DATA_DIR=$(DATA_DIR)  SEEDS=N (default 3)"
	@echo "          ONLY='bbc-*,20ng-lstm'  FORCE=1  PDF_ENGINE=xelatex|lualatex|pdflatex|typst"
	@echo "          EXECUTOR=local|ray  JOBS=N (runs at once, default 2)  RAY_ADDRESS=host:port (an existing Ray cluster)"

# requirements.lock pins every package (all platforms: uv's universal resolution); installs use it as constraints.
# --no-compile: Python byte-compiles the modules a run imports on first use instead of every module of
# TensorFlow and JAX at install time (22 s of a 62 s install here).
$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile -c requirements.lock -e '.[test]'
	@touch $@

install: $(INSTALLED) ## Create .venv and install the project and its test tools, pinned by requirements.lock

lock: ## Refresh requirements.lock from pyproject.toml (keeps the current pins that still fit; UPGRADE=1 takes the newest)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra cluster --universal --python-version 3.11 \
	  $(if $(UPGRADE),--upgrade) --quiet -o requirements.lock

gpu: $(INSTALLED) ## On a machine with an NVIDIA GPU: TensorFlow with CUDA in place of the CPU build
	$(PY) -m pip uninstall --quiet --yes tensorflow-cpu || true
	$(PY) -m pip install --quiet 'tensorflow[and-cuda]>=2.16'
	$(PY) -c "import tensorflow as tf; print('GPUs seen:', tf.config.list_physical_devices('GPU') or 'none')"

tex: ## Install a TeX engine for the PDF (as root); without root the PDF is built with Typst
	@if ! command -v xelatex >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing TeX from Debian's packages (a few minutes, once)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEX_PACKAGES) >/dev/null; \
	  else \
	    echo "note: no TeX engine and not root, so the PDF is built with Typst. For the LaTeX PDF run:"; \
	    echo "  sudo apt-get install -y $(TEX_PACKAGES)"; \
	  fi; \
	fi

browser: tex ## Install headless Chromium for the preview's browser test (as root); without it that test is skipped
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Chromium from Debian's packages (a minute, once)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null || \
	      echo "note: Chromium could not be installed; the preview's browser test will be skipped"; \
	  else \
	    echo "note: no Chromium and not root, so the preview's browser test is skipped. To run it:"; \
	    echo "  sudo apt-get install -y $(BROWSER_PACKAGES)"; \
	  fi; \
	fi

experiments: $(INSTALLED) ## Train and evaluate every experiment whose results are missing or stale
	$(PY) -m experiments run --profile $(PROFILE) --data $(DATA) $(if $(SEEDS),--seeds $(SEEDS)) --data-dir '$(DATA_DIR)' \
	  $(if $(ONLY),--only '$(ONLY)') $(if $(FORCE),--force) $(if $(EXECUTOR),--executor $(EXECUTOR)) $(if $(JOBS),--jobs $(JOBS))

# The suite touches results/<set>/.updated only when a result changed, so an unchanged
# report is not re-rendered. Naming a set (RESULTS=…) renders it without training.
results/.last-set: $(if $(RESULTS),,experiments) ;

# Which set build/report.md holds: rendering another set (RESULTS=…) finds no stamp of its name and re-renders.
RENDERED_SET := build/.set-$(or $(RESULTS),$(shell cat results/.last-set 2>/dev/null))
$(RENDERED_SET):
	@mkdir -p build && rm -f build/.set-* && touch '$@'

# The renderer's own code is a dependency too: a new helper or layout rule re-renders.
build/report.md: $(TEMPLATES) $(wildcard report/*.py) results/.last-set $(wildcard results/*/.updated) $(RENDERED_SET) | $(INSTALLED)
	$(PY) -m report $(if $(RESULTS),--results '$(RESULTS)') markdown

markdown: build/report.md ## Run missing experiments, render the chapters to build/report.md (no PDF)

build/report.pdf: build/report.md report/build.py report/crossref/crossref.lua report/layout.lua report/typst-head.typ | tex
	$(PY) -m report pdf $(if $(PDF_ENGINE),--engine $(PDF_ENGINE))

build/report.html: build/report.md report/build.py report/crossref/crossref.lua report/layout.lua report/html-head.html
	$(PY) -m report html

report: build/report.pdf build/report.html ## Run missing experiments, render the chapters, build build/report.pdf and .html (RESULTS=set: render that set, no training)

render: ## Render a results set without training (RESULTS=full-real, default the set last run)
	$(MAKE) report RESULTS='$(or $(RESULTS),$(shell cat results/.last-set 2>/dev/null))'

preview: $(INSTALLED) ## Serve the HTML report at http://127.0.0.1:8000/ (PORT=…), rebuilt on every template or result change (RESULTS=set)
	$(PY) -m report $(if $(RESULTS),--results '$(RESULTS)') preview --port $(PORT)

test: $(INSTALLED) tex browser ## Run the test suite (offline, a few minutes)
	@$(PY) -c "import ray" 2>/dev/null || $(PY) -m pip install --quiet -c requirements.lock -e '.[cluster]' \
	  || echo "note: Ray could not be installed, so the cluster tests are skipped (pip install -e '.[cluster]')"
	$(PY) -m pytest -q -rs
	$(MAKE) -s -C report/crossref test PANDOC="$$($(PY) -c 'import pypandoc; print(pypandoc.get_pandoc_path())')"

bench: $(INSTALLED) ## Seconds per epoch, plain Keras against the suite, for every recurrent study (BENCH_ARGS='--levers' adds each lever tried)
	$(PY) bench/train_speed.py --data $(DATA) --data-dir '$(DATA_DIR)' $(if $(BENCH_ARGS),$(BENCH_ARGS))

bench-vectors: $(INSTALLED) ## Offline vectors for the GoogleNews studies: GloVe 6B 50-d against word2vec trained on the task (real data, full profile)
	$(PY) bench/vectors.py --data-dir '$(DATA_DIR)'

mutation: $(INSTALLED) ## Mutation score per file of the statistics, claims, ladders and results code (FILES=a.py,b.py for fewer)
	$(PY) -m pip install --quiet -c requirements.lock mutmut 2>/dev/null || $(PY) -m pip install --quiet mutmut
	$(PY) bench/mutation.py $(if $(FILES),--files '$(FILES)')

bench-suite: $(INSTALLED) ## Where a results set's training time went, study by study (RESULTS=set; RUN=1 first reruns the full real suite, one seed)
	$(PY) bench/suite_time.py $(if $(RUN),--run --data-dir '$(DATA_DIR)') $(if $(RESULTS),--results '$(RESULTS)')

bench-stats: $(INSTALLED) ## Calibrate the report's comparison test: A/A splits of seeds and planted differences (RUN=1 trains 8 seeds first, real data)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/stats.py $(if $(RUN),--run --data-dir '$(DATA_DIR)') $(if $(RESULTS_DIR),--results-dir '$(RESULTS_DIR)') --write docs/calibration.json

bench-report: $(INSTALLED) ## Time `make report` once results exist: first build, nothing changed, one template edited
	$(PY) bench/report_speed.py

data: $(INSTALLED) ## Download the four real datasets into DATA_DIR (needs internet)
	$(PY) -m experiments.check_data --download --data-dir '$(DATA_DIR)'

vectors: $(INSTALLED) ## Download the documented word vectors (GloVe 100-d, 200-d, GoogleNews 300-d; needs internet, several GB)
	$(PY) -m experiments vectors --download --data-dir '$(DATA_DIR)'

tensorboard: $(INSTALLED) ## Serve the TensorBoard event files of every network run (results/<id>/seed-<k>/tensorboard)
	$(VENV)/bin/tensorboard --logdir results

check-data: $(INSTALLED) ## Check the real data in DATA_DIR against the documented counts
	$(PY) -m experiments.check_data --data-dir '$(DATA_DIR)'

clean: ## Remove the report, results and figures (keeps .venv and data)
	rm -rf build results
	find images -mindepth 1 -not -name README.md -delete

distclean: clean ## Also remove .venv and the cached embedded data and vectors
	rm -rf $(VENV) data/interim
