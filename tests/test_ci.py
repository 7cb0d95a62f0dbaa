"""The CI scripts: .ci/run installs the system packages the tests need and calls the README's test
command; the GitHub workflow runs that same script where it can start sandboxes."""

import re
from pathlib import Path

import yaml

from system_packages import PACKAGES

ROOT = Path(__file__).resolve().parents[1]


def test_ci_installs_every_optional_package_then_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    installed = set(re.findall(r"apt-get install -y -qq ([\w\- ]+)", script))
    debs = {deb for line in installed for deb in line.split()}
    assert {deb for _, packages, _ in PACKAGES.values() for deb in packages} <= debs
    assert script.strip().splitlines()[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text()


def test_the_github_workflow_runs_the_ci_script_in_a_privileged_debian_container():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    cpu = workflow["jobs"]["cpu"]
    assert cpu["container"]["image"].startswith("debian:")
    assert "--privileged" in cpu["container"]["options"]  # bubblewrap needs namespaces
    runs = [step.get("run", "") for step in cpu["steps"]]
    assert runs[-1] == "bash .ci/run"
    assert any("python3-venv" in run and "nodejs" in run and "make" in run for run in runs)
    assert workflow["jobs"]["gpu"]["steps"][-1]["run"] == "make test-gpu"
