"""The class's folder: homes, the hub's private state, each role's Jupyter settings, and the
nbgrader exchange with permissions that keep learners apart.

::

    <root>/                  711 root     (users pass through, nobody lists)
      hub/                   700 root     jupyterhub.sqlite, cookie secret, settings, logs
      etc/learner/           755 root     Jupyter + nbgrader settings of a learner's server
      etc/instructor/        755 root     the same for the instructor
      source/                755 root     the chapter notebooks graded (with solutions; learners
                                          never get here: see the mode of etc/ and home/)
      home/<user>/           700 user
      exchange/             1777 root     nbgrader needs it writable by all; sticky: nobody
                                          renames or deletes what is not theirs
        <course>/            755 instructor
          outbound/          755 instructor        released assignments: read-only to learners
          inbound/          3733 instructor:group  learners drop submissions in, cannot list or
                                                   delete others' (setgid: the instructors' group)
          feedback/          711 instructor        feedback pages, named by a hash of the
                                                   learner's secret; nobody lists

The learners' folder ``source/`` holds instructor notebooks, so it is 750 root:instructors.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

COURSE = "cnncourse"
COURSE_ROOT = "course"  # the instructor's nbgrader course folder, in their home
LOCKED = "tools.class_demo.locked_exchange"

# the server extensions each role's server loads; every other one installed is switched off
EXTENSIONS = {
    "learner": ["nbgrader.server_extensions.assignment_list"],
    "instructor": ["nbgrader.server_extensions.formgrader"],
}
LAB = ["jupyterlab", "notebook_shim", "jupyter_server_terminals"]  # a real class works in JupyterLab
KNOWN_EXTENSIONS = ["jupyterlab", "notebook", "notebook_shim", "jupyter_lsp", "jupyter_server_terminals",
                    "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.assignment_list",
                    "nbgrader.server_extensions.course_list",
                    "nbgrader.server_extensions.validate_assignment"]


@dataclass(frozen=True)
class ClassFolder:
    """Paths of one class (see the module's docstring)."""

    root: Path

    @property
    def hub(self):
        return self.root / "hub"

    @property
    def homes(self):
        return self.root / "home"

    @property
    def source(self):
        return self.root / "source"

    @property
    def exchange(self):
        return self.root / "exchange"

    @property
    def course(self):
        return self.exchange / COURSE

    def etc(self, role):
        return self.root / "etc" / role


def _mkdir(path, mode, uid=0, gid=0):
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)  # after chown, which clears set-id bits


def prepare_root(root, homes=True):
    """The class folder with its private hub folder and (``homes``) the folder for the demo's homes."""
    folder = ClassFolder(Path(root))
    _mkdir(folder.root, 0o711)
    _mkdir(folder.hub, 0o700)
    if homes:
        _mkdir(folder.homes, 0o711)
    return folder


def lay_out(folder, instructor, chapter_notebooks, lab=False):
    """Make the exchange (owned by the ``instructor`` account), each role's settings (``lab``:
    JupyterLab too, else only the nbgrader extension), and the folder of graded notebooks."""
    uid, gid = instructor.uid, instructor.gid
    _mkdir(folder.source, 0o750, 0, gid)
    for notebook in chapter_notebooks:
        target = folder.source / Path(notebook).name
        shutil.copyfile(notebook, target)
        os.chmod(target, 0o640)
        os.chown(target, 0, gid)
    _mkdir(folder.exchange, 0o1777)
    _mkdir(folder.course, 0o755, uid, gid)
    _mkdir(folder.course / "outbound", 0o755, uid, gid)
    _mkdir(folder.course / "inbound", 0o3733, uid, gid)
    _mkdir(folder.course / "feedback", 0o711, uid, gid)
    for role in EXTENSIONS:
        _mkdir(folder.etc(role), 0o755)
        _write_json(folder.etc(role) / "jupyter_server_config.json", server_settings(role, lab))
        _write_json(folder.etc(role) / "nbgrader_config.json", nbgrader_settings(role, folder, instructor.home))


def server_settings(role, lab=False):
    """Jupyter server settings: the nbgrader extension the role needs and (``lab``) JupyterLab;
    without it the server starts fast and answers only the REST API (the demo)."""
    enabled = set(EXTENSIONS[role]) | (set(LAB) if lab else set())
    return {"ServerApp": {"jpserver_extensions": {name: name in enabled for name in KNOWN_EXTENSIONS}}}


def nbgrader_settings(role, folder, instructor_home):
    """nbgrader settings of a role's server: the course (the instructor's in ``instructor_home``),
    the exchange, the locked steps."""
    settings = {"CourseDirectory": {"course_id": COURSE},
                "Exchange": {"root": str(folder.exchange)}}
    if role == "instructor":
        settings["CourseDirectory"]["root"] = str(Path(instructor_home) / COURSE_ROOT)
        settings["ExchangeFactory"] = {"collect": f"{LOCKED}.OwnerCheckedCollect"}
    else:
        settings["ExchangeFactory"] = {"submit": f"{LOCKED}.PrivateSubmit"}
    return settings


def _write_json(path, data):
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.chmod(path, 0o644)
