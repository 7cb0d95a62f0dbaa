# cnncourse: `make book` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(wildcard notebooks/[0-9]*.ipynb)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help venv book test test-gpu lab student grade bench strength notebooks clean class-demo

help:
	@echo "make book      build the HTML book from the executed notebooks -> book/_build/html/index.html"
	@echo "make test      run every test: package, widgets, exercises, notebooks (each run once), book, grading"
	@echo "make lab       open JupyterLab on your own copies of the notebooks (student/)"
	@echo "make student   generate learner notebooks (solutions removed) into student/"
	@echo "make grade     grade every submission in submissions/<student>/*.ipynb, each in a sandbox (needs bwrap)"
	@echo "make bench     speed benchmarks as medians and ratios, then a summary table (BENCH_FLAGS=--quick: a smoke run)"
	@echo "make class-demo a class on JupyterHub here: release to feedback (root; bwrap, npm)"
	@echo "make mutation AREA=...  mutation testing of one package area (or AREA=js for the widgets' JavaScript)"
	@echo "make strength how many small bugs planted in each exercise's solution its check rejects"
	@echo "make test-gpu  the notebook suite on CUDA (fails when there is no GPU)"
	@echo "make notebooks re-execute the course notebooks in place (for authors)"
	@echo "make clean     remove the venv and everything built"

venv: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m tools.skip_iri_parsers
	@touch $(STAMP)

book: $(STAMP)
	$(PY) -m tools.build_book
	@echo "Book built: open $(abspath book/_build/html/index.html)"

# Two workers of one thread each (kernels and sandboxes included) on a 2-core machine: torch's own
# thread pools would fight over the cores and run several times slower. TEST_THREADS= (empty) keeps
# the machine's default. Bytecode is written (into the ignored __pycache__ folders) even where
# PYTHONDONTWRITEBYTECODE is set: every kernel, sandbox and worker would otherwise compile the
# package and rewrite the tests' asserts again. The last line names the tests skipped for a missing
# system package.
TEST_THREADS ?= 1
test: $(STAMP)
	@rm -f $(VENV)/skipped.txt
	@$(if $(TEST_THREADS),OMP_NUM_THREADS=$(TEST_THREADS) MKL_NUM_THREADS=$(TEST_THREADS),) \
		PYTHONDONTWRITEBYTECODE= CNNCOURSE_SKIP_REPORT=$(abspath $(VENV))/skipped.txt $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder \
		--durations=15 tests; status=$$?; \
		if [ -s $(VENV)/skipped.txt ]; then cat $(VENV)/skipped.txt; fi; exit $$status

test-gpu: $(STAMP)
	$(PY) -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'make test-gpu: CUDA is not available on this machine')"
	CNNCOURSE_DEVICE=cuda $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder tests/test_notebook_runs.py

student: $(STAMP)
	$(PY) -m cnncourse.instructor.student notebooks student

# tools/lab_config hides nbgrader's instructor panels and server extensions from learners, saves
# widget state with the notebook (so widgets work after a reload) and turns JupyterLab's news off
lab: student
	JUPYTER_CONFIG_PATH=$(abspath tools/lab_config) $(BIN)/jupyter lab --notebook-dir=student $(if $(CI),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,)

grade: $(STAMP)
	$(PY) -m cnncourse.instructor.grade notebooks submissions grading $(GRADE_FLAGS)

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_FLAGS)

strength: $(STAMP)
	$(PY) -m tools.check_strength

# JupyterHub's proxy comes from npm into tools/hub_assets (never global); the demo needs root
class-demo: $(STAMP)
	@test -d tools/hub_assets/node_modules/configurable-http-proxy || npm ci --prefix tools/hub_assets --no-audit --no-fund
	$(PY) -m tools.class_demo $(CLASS_FLAGS)

notebooks: $(STAMP)
	$(PY) -m tools.execute_notebooks $(NOTEBOOKS)

# mutation testing, one area at a time: make mutation AREA=training (a folder of cnncourse/, see
# tools/mutation.py), or AREA=js for the widgets' JavaScript (tools/js_mutation.mjs)
.PHONY: mutation
mutation: $(STAMP)
	@test -n "$(AREA)" || { echo "usage: make mutation AREA=shapes|transfer|training|data|functional|visualize|exercises|instructor|js"; exit 2; }
	$(if $(filter js,$(AREA)),node tools/js_mutation.mjs,$(PY) -m tools.mutation $(AREA))

clean:
	rm -rf $(VENV) book/_build student grading tools/book_assets/node_modules tools/hub_assets/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
