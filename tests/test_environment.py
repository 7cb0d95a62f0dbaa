"""pyproject.toml and environment.yml list the same dependencies with the same version ranges."""

import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

import yaml

ROOT = Path(__file__).resolve().parents[1]


def split(requirement):
    """'scikit-image>=0.22,<0.27' -> ('scikit-image', '>=0.22,<0.27'), names normalised."""
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(split(r) for r in listed)


def environment_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for entry in env["dependencies"]:
        items = entry["pip"] if isinstance(entry, dict) else [entry]
        for item in items:
            # conda-only tools: Python itself, pip, and Node.js (npm builds the book's browser assets)
            if item.startswith(("-e", "python", "nodejs")) or item in ("pip",):
                continue
            found.update([split(item)])
    return found


def test_the_two_dependency_lists_agree():
    assert environment_requirements() == pyproject_requirements()


def test_torch_is_pinned_exactly_and_torchvision_is_absent():
    requirements = pyproject_requirements()
    assert requirements["torch"] == "==2.13.0"
    assert "torchvision" not in requirements and "torchvision" not in environment_requirements()


def test_python_version_floor_matches():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"python{project['requires-python']}" in env["dependencies"]
