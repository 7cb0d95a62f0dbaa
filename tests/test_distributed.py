"""Data-parallel training: fit under `torchrun --nproc_per_node=2` (gloo, CPU) ends with the weights
of one process trained on the same global batches (tests/test_distributed_process_group.py tests
what each process does around fit without torchrun)."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from cnncourse.demos.data_parallel import train_digits
from cnncourse.demos.transfer_comparison import fine_tune_top_on_images
from cnncourse.models import efficientnet_lite0

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).parent / "torchrun"


# the tests' runs of cnncourse.demos.data_parallel, by their command lines (without --out)
RUNS = {
    "digits": ["--examples", "128", "--epochs", "2", "--batch-size", "32"],
    "fine-tune": ["--task", "fine-tune", "--examples", "2", "--epochs", "1", "--batch-size", "8"],
}


@pytest.fixture(scope="module")
def torchrun_two_processes(tmp_path_factory):
    """What process 0 saved in each of RUNS, all run in one two-process torchrun launch."""
    if not torch.distributed.is_available() or not TORCHRUN.exists():
        pytest.skip("needs torchrun")
    folder = tmp_path_factory.mktemp("torchrun")
    command_lines = [shlex.join([*run, "--out", str(folder / f"{name}.pt")]) for name, run in RUNS.items()]
    env = {**os.environ, "CNNCOURSE_DEVICE": "cpu", "OMP_NUM_THREADS": "1"}
    completed = subprocess.run(
        [str(TORCHRUN), "--standalone", "--nproc_per_node=2", str(ROOT / "tests" / "data_parallel_tasks.py"),
         *command_lines],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    saved = {name: torch.load(folder / f"{name}.pt") for name in RUNS}
    assert all(run["processes"] == 2 for run in saved.values())
    return saved


def assert_same_run(saved, model, history, atol=1e-5):
    for name, value in model.state_dict().items():
        torch.testing.assert_close(saved["state_dict"][name], value, atol=atol, rtol=0, msg=name)
    assert saved["history"]["train_loss"] == pytest.approx(history.train_loss, abs=atol)
    assert saved["history"]["train_accuracy"] == pytest.approx(history.train_accuracy, abs=1e-9)


def test_two_processes_equal_one_process_with_the_same_global_batch(torchrun_two_processes):
    saved = torchrun_two_processes["digits"]
    assert_same_run(saved, *train_digits(examples=128, epochs=2, batch_size=32, device="cpu"))


def test_chapter_8_fine_tuning_runs_data_parallel(torchrun_two_processes):
    # Not equal to one process to the last digit: Lite0's head draws its dropout masks per process.
    saved = torchrun_two_processes["fine-tune"]
    _, history = fine_tune_top_on_images(per_class=2, epochs=1, batch_size=8, device="cpu")
    assert saved["history"]["train_loss"] == pytest.approx(history.train_loss, abs=0.2)
    pretrained = efficientnet_lite0(pretrained=True).state_dict()
    for name, value in saved["state_dict"].items():
        if name.startswith(("stem", "stage1", "stage2", "stage3", "stage4", "stage5", "stage6")):
            assert torch.equal(value, pretrained[name]), f"frozen {name} changed"
        elif name.startswith("stage7") and name.endswith("weight"):
            assert not torch.equal(value, pretrained[name]), f"trainable {name} did not train"
