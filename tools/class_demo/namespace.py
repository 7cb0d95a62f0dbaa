"""Make the running Python, its environment and the course reachable by the class's users.

The learners' servers and the grader run as the class's own Unix users with this Python, this
virtual environment and this checkout. Where one of them lies in a folder only root may enter
(pyenv under ``/root``, as on the course's CI, or a checkout in a private home), the demo runs in a
private mount namespace in which each such folder is laid over a world-enterable tmpfs holding just
the paths needed; nothing changes outside the namespace, and the namespace ends with the demo.
"""

import os
import stat
import sys
from pathlib import Path

MARKER = "CNNCOURSE_CLASS_NAMESPACE"
ROOT = Path(__file__).resolve().parents[2]


def needed_paths():
    """What the class's users must enter: the Python installation, the environment, the course."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), ROOT}
    return sorted(p for p in paths if not any(other in p.parents for other in paths))


def blocked_ancestor(path):
    """The outermost folder above or at ``path`` that other users may not enter, or None."""
    for folder in [*reversed(Path(path).parents), Path(path)]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


SCRIPT = """set -e
n=$1; shift
stage=$(mktemp -d)
i=0; for p in "$@"; do [ $i -lt $n ] && mkdir "$stage/$i" && mount --bind "$p" "$stage/$i"; i=$((i+1)); done
covered=" "
i=0; for b in "$@"; do
  if [ $i -ge $n ] && [ $i -lt $((2*n)) ]; then
    case "$covered" in *" $b "*) ;; *) mount -t tmpfs -o mode=0755,size=1m class-demo "$b"; covered="$covered$b ";; esac
  fi; i=$((i+1))
done
i=0; for p in "$@"; do
  [ $i -lt $n ] && mkdir -p "$p" && mount --bind "$stage/$i" "$p" && umount "$stage/$i" && rmdir "$stage/$i"
  i=$((i+1))
done
rmdir "$stage"
shift $((2*n)); exec "$@"
"""


def command_prefix():
    """``[]`` when every needed path is reachable (or this is already the namespace), else the
    ``unshare`` command line that runs the command after it in a namespace where they are."""
    pairs = [(path, blocked_ancestor(path)) for path in needed_paths()]
    pairs = [(path, blocked) for path, blocked in pairs if blocked is not None]
    if not pairs or os.environ.get(MARKER):
        return []
    paths, blocked = [str(p) for p, _ in pairs], [str(b) for _, b in pairs]
    return ["env", f"{MARKER}=1", "unshare", "--mount", "--propagation", "private", "--",
            "sh", "-c", SCRIPT, "sh", str(len(pairs)), *paths, *blocked]


def interpreter_prefix():
    """The folder the running Python is installed in."""
    return Path(sys.base_prefix).resolve()
