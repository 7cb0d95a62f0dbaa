"""Make the running Python reachable by the class's users, where it is not.

The learners' servers and the grader run as the class's own Unix users with this Python. Where it
is installed in a folder only root may enter (pyenv under ``/root``, as on the course's CI), the
demo runs in a private mount namespace in which that one folder is laid over a world-enterable
tmpfs; nothing changes outside the namespace, and the namespace ends with the demo.
"""

import os
import stat
import sys
from pathlib import Path

MARKER = "CNNCOURSE_CLASS_NAMESPACE"


def interpreter_prefix():
    """The folder the running Python is installed in (what its users must be able to enter)."""
    return Path(sys.base_prefix).resolve()


def blocked_ancestor(path):
    """The outermost folder above or at ``path`` that other users may not enter, or None."""
    for folder in [*reversed(Path(path).parents), Path(path)]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def command_prefix():
    """``[]`` when the Python is reachable (or already in the namespace), else the ``unshare`` command
    line that runs the command after it in a namespace where it is."""
    prefix = interpreter_prefix()
    blocked = blocked_ancestor(prefix)
    if blocked is None or os.environ.get(MARKER):
        return []
    script = (
        'set -e; stage=$(mktemp -d); mount --bind "$1" "$stage"; '
        'mount -t tmpfs -o mode=0755,size=1m class-demo "$2"; mkdir -p "$1"; '
        'mount --bind "$stage" "$1"; umount "$stage"; rmdir "$stage"; shift 2; exec "$@"')
    return ["env", f"{MARKER}=1", "unshare", "--mount", "--propagation", "private", "--",
            "sh", "-c", script, "sh", str(prefix), str(blocked)]
