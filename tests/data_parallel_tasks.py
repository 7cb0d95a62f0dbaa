"""Several runs of ``cnncourse.demos.data_parallel`` in one torchrun launch, for the tests:

    torchrun --standalone --nproc_per_node=2 tests/data_parallel_tasks.py "ARGS" "ARGS" ...

Each argument is one run's command line, which goes through the module's own; the runs follow one
another in one process group (gloo, CPU), joined here once. One launch instead of one per run
spares three processes importing torch each time.
"""

import shlex
import sys

import torch

from cnncourse.demos.data_parallel import main

if __name__ == "__main__":
    torch.distributed.init_process_group("gloo")
    try:
        for command_line in sys.argv[1:]:
            main(shlex.split(command_line))
    finally:
        torch.distributed.destroy_process_group()
