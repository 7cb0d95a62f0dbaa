"""Data-parallel training: fit under `torchrun --nproc_per_node=2` (gloo, CPU) ends with the weights
of one process trained on the same global batches."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from cnncourse.training.distributed import train_digits
from cnncourse.training import fit

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).parent / "torchrun"


@pytest.mark.skipif(not torch.distributed.is_available() or not TORCHRUN.exists(), reason="needs torchrun")
def test_two_processes_equal_one_process_with_the_same_global_batch(tmp_path):
    out = tmp_path / "run.pt"
    env = {**os.environ, "CNNCOURSE_DEVICE": "cpu", "OMP_NUM_THREADS": "1"}
    completed = subprocess.run(
        [str(TORCHRUN), "--standalone", "--nproc_per_node=2", "-m", "cnncourse.training.distributed",
         "--examples", "128", "--epochs", "2", "--batch-size", "32", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    saved = torch.load(out)
    assert saved["processes"] == 2
    model, history = train_digits(examples=128, epochs=2, batch_size=32, device="cpu")
    for name, value in model.state_dict().items():
        torch.testing.assert_close(saved["state_dict"][name], value, atol=1e-5, rtol=0, msg=name)
    assert saved["history"]["train_loss"] == pytest.approx(history.train_loss, abs=1e-5)
    assert saved["history"]["train_accuracy"] == pytest.approx(history.train_accuracy, abs=1e-9)


def test_the_global_batch_must_split_evenly(monkeypatch):
    monkeypatch.setattr("cnncourse.training.loop.process_rank_and_count", lambda: (0, 2))
    data = torch.utils.data.TensorDataset(torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ValueError, match="batch_size 3 must be divisible by the number of processes 2"):
        fit(torch.nn.Flatten(), data, epochs=1, lr=0.1, batch_size=3, progress=False)
