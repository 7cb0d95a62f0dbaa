"""What every torchrun process does around fit (cnncourse.training.distributed), without torchrun:
its device, joining and leaving the process group, and only process 0 saving, in this process as a
group of one (tests/test_distributed.py runs two processes)."""

import dataclasses
import socket

import pytest
import torch

from cnncourse.training import History
from cnncourse.training.distributed import process_device, train_in_process_group


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
    with pytest.raises(TypeError, match="train must be a function .*, got str$"):
        train_in_process_group("digits", tmp_path / "run.pt")


def test_in_a_group_the_caller_joined_it_trains_there_and_leaves_it_joined(group_of_one, tmp_path):
    torch.distributed.init_process_group("gloo")
    try:
        world, seen = torch.distributed.group.WORLD, []

        def train(device):
            seen.append(torch.distributed.group.WORLD)
            return torch.nn.Linear(1, 1), History()

        train_in_process_group(train, tmp_path / "run.pt")
        assert seen == [world] and torch.distributed.group.WORLD is world
        assert torch.load(tmp_path / "run.pt")["processes"] == 1
    finally:
        torch.distributed.destroy_process_group()


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
