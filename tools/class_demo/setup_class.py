"""``python -m tools.class_demo.setup_class ROOT --instructor NAME --learners A,B,...`` (as root):
the class folder of ``make class-demo`` for a lasting class of existing Unix users.

Lays out ROOT as :mod:`tools.class_demo.class_folder` describes (exchange locked down, each role's
settings, the chapter notebooks to grade), writes the hub's settings, and prints the command that
starts JupyterHub with tools/class_demo/jupyterhub_config.py. Logging in is PAM's: each person's
Unix password (see README, "Teaching a class", for an OAuth login instead).
"""

import argparse
import pwd
import sys
from pathlib import Path

from .accounts import INSTRUCTOR, LEARNER, Account, root_problem
from .class_folder import lay_out, prepare_root
from .hub import CONFIG, PROXY, ROOT, hub_settings, write_settings
from .namespace import blocked_ancestor, interpreter_prefix


def existing_account(name, role):
    """The Account of an existing Unix user; ValueError naming ``name`` when there is none."""
    try:
        return Account(name, role, Path(pwd.getpwnam(name).pw_dir))
    except KeyError:
        raise ValueError(f"no Unix user {name!r}: create it first (useradd --create-home --user-group "
                         f"{name}; passwd {name})") from None


def set_up(root, instructor, learners, ip="127.0.0.1", port=8000, chapters=None):
    """Lay out the class in ``root``; the path of the hub's settings."""
    people = [existing_account(instructor, INSTRUCTOR)] + [existing_account(n, LEARNER) for n in learners]
    folder = prepare_root(root, homes=False)
    notebooks = chapters or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    lay_out(folder, people[0], notebooks, lab=True)
    settings = hub_settings(folder, instructor, learners, (port, port + 1, port + 2), ip=ip)
    return write_settings(folder, settings)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Lay out a class on this machine for JupyterHub.")
    parser.add_argument("root", help="the class folder to make, e.g. /srv/cnncourse-class")
    parser.add_argument("--instructor", required=True, help="the instructor's Unix user")
    parser.add_argument("--learners", required=True, help="the learners' Unix users, comma-separated")
    parser.add_argument("--ip", default="127.0.0.1", help="where the hub listens (default 127.0.0.1; "
                                                          "put a TLS proxy in front for a real class)")
    parser.add_argument("--port", type=int, default=8000, help="the hub's port (it also uses the next two)")
    args = parser.parse_args(argv)
    if root_problem():
        sys.exit(root_problem())
    learners = [name.strip() for name in args.learners.split(",") if name.strip()]
    try:
        settings = set_up(args.root, args.instructor, learners, args.ip, args.port)
    except ValueError as error:
        sys.exit(f"error: {error}")
    blocked = blocked_ancestor(interpreter_prefix())
    if blocked:
        print(f"warning: {interpreter_prefix()} lies in {blocked}, which the class's users cannot enter; "
              "install the course with a Python they can run", file=sys.stderr)
    if not PROXY.exists():
        print("warning: JupyterHub's proxy is missing: npm ci --prefix tools/hub_assets", file=sys.stderr)
    print(f"Class laid out in {args.root}. Start JupyterHub (as root) with:\n"
          f"  CNNCOURSE_CLASS_SETTINGS={settings} {Path(sys.executable).parent / 'jupyterhub'} -f {CONFIG}")


if __name__ == "__main__":
    main()
