"""Data-parallel training: fit under `torchrun --nproc_per_node=2` (gloo, CPU) ends with the weights
of one process trained on the same global batches; what each process does around fit (its device, the
process group, process 0 saving), in this process as a group of one."""

import dataclasses
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from cnncourse.demos.data_parallel import train_digits
from cnncourse.demos.transfer_comparison import fine_tune_top_on_images
from cnncourse.models import efficientnet_lite0
from cnncourse.training import History, fit
from cnncourse.training.distributed import process_device, train_in_process_group

ROOT = Path(__file__).resolve().parents[1]
TORCHRUN = Path(sys.executable).parent / "torchrun"


def torchrun_two_processes(tmp_path, *arguments):
    """What process 0 of a two-process torchrun of cnncourse.demos.data_parallel saved."""
    out = tmp_path / "run.pt"
    env = {**os.environ, "CNNCOURSE_DEVICE": "cpu", "OMP_NUM_THREADS": "1"}
    completed = subprocess.run(
        [str(TORCHRUN), "--standalone", "--nproc_per_node=2", "-m", "cnncourse.demos.data_parallel",
         *arguments, "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    saved = torch.load(out)
    assert saved["processes"] == 2
    return saved


def assert_same_run(saved, model, history, atol=1e-5):
    for name, value in model.state_dict().items():
        torch.testing.assert_close(saved["state_dict"][name], value, atol=atol, rtol=0, msg=name)
    assert saved["history"]["train_loss"] == pytest.approx(history.train_loss, abs=atol)
    assert saved["history"]["train_accuracy"] == pytest.approx(history.train_accuracy, abs=1e-9)


needs_torchrun = pytest.mark.skipif(not torch.distributed.is_available() or not TORCHRUN.exists(),
                                    reason="needs torchrun")


@needs_torchrun
def test_two_processes_equal_one_process_with_the_same_global_batch(tmp_path):
    saved = torchrun_two_processes(tmp_path, "--examples", "128", "--epochs", "2", "--batch-size", "32")
    assert_same_run(saved, *train_digits(examples=128, epochs=2, batch_size=32, device="cpu"))


@needs_torchrun
def test_chapter_8_fine_tuning_runs_data_parallel(tmp_path):
    # Not equal to one process to the last digit: Lite0's head draws its dropout masks per process.
    saved = torchrun_two_processes(tmp_path, "--task", "fine-tune", "--examples", "2", "--epochs", "1",
                                   "--batch-size", "8")
    _, history = fine_tune_top_on_images(per_class=2, epochs=1, batch_size=8, device="cpu")
    assert saved["history"]["train_loss"] == pytest.approx(history.train_loss, abs=0.2)
    pretrained = efficientnet_lite0(pretrained=True).state_dict()
    for name, value in saved["state_dict"].items():
        if name.startswith(("stem", "stage1", "stage2", "stage3", "stage4", "stage5", "stage6")):
            assert torch.equal(value, pretrained[name]), f"frozen {name} changed"
        elif name.startswith("stage7") and name.endswith("weight"):
            assert not torch.equal(value, pretrained[name]), f"trainable {name} did not train"


def test_the_global_batch_must_split_evenly(monkeypatch):
    monkeypatch.setattr("cnncourse.training.loop.process_rank_and_count", lambda: (0, 2))
    data = torch.utils.data.TensorDataset(torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ValueError, match="batch_size 3 must be divisible by the number of processes 2"):
        fit(torch.nn.Flatten(), data, epochs=1, lr=0.1, batch_size=3, progress=False)


@pytest.fixture
def group_of_one(monkeypatch):
    """The environment torchrun gives its one process (rank 0 of 1, a free local port), on the CPU."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    for name, value in {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": "0", "WORLD_SIZE": "1",
                        "LOCAL_RANK": "0", "CNNCOURSE_DEVICE": "cpu"}.items():
        monkeypatch.setenv(name, value)


def test_process_0_saves_what_training_gave_and_leaves_the_group(group_of_one, tmp_path):
    seen = {}

    def train(device):
        seen.update(device=device, backend=torch.distributed.get_backend(),
                    layout=(torch.distributed.get_rank(), torch.distributed.get_world_size()))
        model = torch.nn.Linear(2, 3)
        return model, History(train_loss=[0.5, 0.25], lr=[0.1, 0.1], stop_reason="stopped")

    model, history = train_in_process_group(train, tmp_path / "run.pt")
    assert seen == {"device": torch.device("cpu"), "backend": "gloo", "layout": (0, 1)}
    assert not torch.distributed.is_initialized()
    saved = torch.load(tmp_path / "run.pt")
    assert saved["processes"] == 1 and saved["history"] == dataclasses.asdict(history)
    assert saved["history"]["train_loss"] == [0.5, 0.25] and saved["history"]["stop_reason"] == "stopped"
    assert saved["state_dict"].keys() == {"weight", "bias"}
    for name, value in model.state_dict().items():
        assert torch.equal(saved["state_dict"][name], value)


def test_other_processes_do_not_save(group_of_one, tmp_path, monkeypatch):
    monkeypatch.setattr(torch.distributed, "get_rank", lambda *args, **kwargs: 1)
    train_in_process_group(lambda device: (torch.nn.Linear(1, 1), History()), tmp_path / "run.pt")
    assert not (tmp_path / "run.pt").exists()


def test_a_failing_run_leaves_the_group_and_saves_nothing(group_of_one, tmp_path):
    def train(device):
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory"):
        train_in_process_group(train, tmp_path / "run.pt")
    assert not torch.distributed.is_initialized() and not (tmp_path / "run.pt").exists()
    with pytest.raises(TypeError, match="train must be a function"):
        train_in_process_group("digits", tmp_path / "run.pt")


def test_on_gpus_each_process_takes_its_local_gpu_and_nccl(monkeypatch, tmp_path):
    # No GPU here: record what a GPU machine would be asked for.
    calls = []
    monkeypatch.setattr("cnncourse.training.distributed.get_device", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.cuda, "set_device", lambda device: calls.append(("set_device", device)))
    monkeypatch.setattr(torch.distributed, "init_process_group", lambda backend: calls.append(("init", backend)))
    monkeypatch.setattr(torch.distributed, "get_rank", lambda: 1)
    monkeypatch.setattr(torch.distributed, "destroy_process_group", lambda: calls.append(("destroy",)))
    monkeypatch.setenv("LOCAL_RANK", "3")
    train_in_process_group(lambda device: calls.append(("train", device)) or (None, None), tmp_path / "run.pt")
    cuda3 = torch.device("cuda", 3)
    assert calls == [("set_device", cuda3), ("init", "nccl"), ("train", cuda3), ("destroy",)]
    monkeypatch.delenv("LOCAL_RANK")
    assert process_device() == torch.device("cuda", 0)
    monkeypatch.setattr("cnncourse.training.distributed.get_device", lambda: torch.device("cpu"))
    calls.clear()
    assert process_device() == torch.device("cpu") and calls == []
