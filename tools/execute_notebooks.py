"""Execute course notebooks in place (for authors: `make notebooks`), stamping what was executed.

Each notebook gets ``metadata.cnncourse.executed_source`` = a hash of its code cells, so a test can
tell a notebook whose stored outputs are stale (code edited after the last execution).
"""

import hashlib
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def code_hash(nb):
    """SHA-256 of the notebook's code cells, in order."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode() + b"\0")
    return digest.hexdigest()


def run_notebook(nb, folder, timeout=600, allow_errors=False):
    """Execute the notebook object ``nb`` in place, in a fresh kernel working in ``folder``."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   extra_arguments=["--IPKernelApp.log_level=ERROR"],  # quiet start-up warnings
                   resources={"metadata": {"path": str(folder)}}).execute()


def execute(path, timeout=600):
    """Run ``path`` top to bottom in its own folder and save it with outputs and widget state."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    run_notebook(nb, path.parent, timeout)
    nb.metadata.setdefault("cnncourse", {})["executed_source"] = code_hash(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: executed in {execute(name):.1f} s")
