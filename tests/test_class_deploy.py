"""The files that take a class beyond one machine (deploy/) and the one-machine hub configuration,
checked as far as a machine without Docker or Kubernetes can: YAML parsed and its keys checked
against the Zero to JupyterHub chart's documented schema (the subset typed below from the chart's
values.schema.yaml), the hub's Python hooks run on stand-in spawners, the Dockerfile's structure
linted, and the Kubernetes exchange steps run on a folder laid out as the pods would leave it.
Not run here: helm, kubectl, docker build, a cluster."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config

from tools.class_demo.k8s_exchange import collect, main as k8s_main, return_feedback

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"

# The chart's documented keys (jupyterhub chart values.schema.yaml), for the sections used here.
# An object maps to its allowed keys; None means "any content" (additionalProperties: true).
IMAGE = {"name": None, "tag": None, "pullPolicy": None, "pullSecrets": None}
SCHEMA = {
    "enabled": None, "fullnameOverride": None, "nameOverride": None, "imagePullSecret": None,
    "imagePullSecrets": None, "proxy": None, "ingress": None, "prePuller": None, "custom": None,
    "debug": None, "rbac": None, "global": None, "scheduling": None,
    "hub": {"config": None, "extraConfig": None, "extraFiles": None, "loadRoles": None, "services": None,
            "db": None, "baseUrl": None, "image": IMAGE, "extraEnv": None, "resources": None,
            "revisionHistoryLimit": None},
    "singleuser": {
        "networkPolicy": None, "podNameTemplate": None, "cpu": {"limit": None, "guarantee": None},
        "memory": {"limit": None, "guarantee": None}, "image": IMAGE, "initContainers": None,
        "profileList": None, "extraFiles": None, "extraEnv": None, "nodeSelector": None,
        "extraTolerations": None, "extraNodeAffinity": None, "extraPodAffinity": None,
        "extraPodAntiAffinity": None, "cloudMetadata": None, "cmd": None, "defaultUrl": None,
        "events": None, "extraAnnotations": None, "extraContainers": None, "extraLabels": None,
        "extraPodConfig": None, "extraResource": None, "fsGid": None, "lifecycleHooks": None,
        "networkTools": None, "serviceAccountName": None, "startTimeout": None,
        "allowPrivilegeEscalation": None, "uid": None,
        "storage": {"capacity": None, "dynamic": None, "extraLabels": None, "extraVolumeMounts": None,
                    "extraVolumes": None, "homeMountPath": None, "static": None, "type": None},
    },
    "cull": {"enabled": None, "users": None, "adminUsers": None, "removeNamedServers": None,
             "timeout": None, "every": None, "concurrency": None, "maxAge": None},
}
STORAGE_TYPES = {"dynamic", "static", "none"}
EXTRA_FILE_KEYS = {"mountPath", "data", "stringData", "binaryData", "mode"}


def _load(path):
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values():
    return _load(DEPLOY / "z2jh" / "values.yaml")


def unknown_keys(values, schema, where=""):
    """Dotted names of keys in ``values`` that ``schema`` does not document."""
    found = []
    for key, value in values.items():
        if key not in schema:
            found.append(f"{where}{key}")
        elif isinstance(schema[key], dict) and isinstance(value, dict):
            found += unknown_keys(value, schema[key], f"{where}{key}.")
    return found


def test_values_use_only_keys_the_chart_documents(values):
    assert unknown_keys(values, SCHEMA) == []


def test_unknown_keys_are_caught():
    assert unknown_keys({"singleuser": {"storage": {"extraVolume": []}}}, SCHEMA) == [
        "singleuser.storage.extraVolume"]


def test_values_storage_and_files_are_well_formed(values):
    storage = values["singleuser"]["storage"]
    assert storage["type"] in STORAGE_TYPES and storage["homeMountPath"].startswith("/")
    for name, spec in values["singleuser"]["extraFiles"].items():
        assert set(spec) <= EXTRA_FILE_KEYS and spec["mountPath"].startswith("/"), name
        assert len({"data", "stringData", "binaryData"} & set(spec)) == 1, name


def _hook(values):
    """The pre-spawn hook of hub.extraConfig, defined as the hub would (exec with a config ``c``)."""
    c = Config()
    for code in values["hub"]["extraConfig"].values():
        exec(compile(code, "hub.extraConfig", "exec"), {"c": c})
    return c.KubeSpawner.pre_spawn_hook


def _spawn(values, name):
    spawner = SimpleNamespace(user=SimpleNamespace(name=name), volume_mounts=[], init_containers=[],
                              image="course-image")
    _hook(values)(spawner)
    return spawner


def test_learner_pod_sees_only_the_release_and_its_own_exchange_folders(values):
    spawner = _spawn(values, "ada")
    mounts = {m["mountPath"]: (m["subPath"], m["readOnly"]) for m in spawner.volume_mounts}
    course = "/srv/nbgrader/exchange/cnncourse"
    assert mounts == {f"{course}/outbound": ("cnncourse/outbound", True),
                      f"{course}/inbound": ("cnncourse/inbound/ada", False),
                      f"{course}/feedback": ("cnncourse/feedback/ada", True)}
    (init,) = spawner.init_containers
    assert init["command"][-1] == "ada" and "chown 1000:100 /course/inbound/$0" in init["command"][2]


def test_instructor_pod_sees_the_whole_course(values):
    spawner = _spawn(values, "teacher-login")
    assert [(m["subPath"], m["readOnly"]) for m in spawner.volume_mounts] == [("cnncourse", False)]
    assert spawner.init_containers == []


@pytest.mark.parametrize("name", ["../ben", "ada/../../x", "-rf", ""])
def test_hook_refuses_names_that_are_not_plain_folder_names(values, name):
    with pytest.raises(ValueError, match="cannot name an exchange folder"):
        _spawn(values, name)


def test_mounts_name_the_exchange_volume_and_the_course_nbgrader_uses(values):
    volumes = {v["name"]: v for v in values["singleuser"]["storage"]["extraVolumes"]}
    assert {m["name"] for m in _spawn(values, "ada").volume_mounts} <= set(volumes)
    nbgrader = values["singleuser"]["extraFiles"]["nbgrader-config"]["data"]
    course = f'{nbgrader["Exchange"]["root"]}/{nbgrader["CourseDirectory"]["course_id"]}'
    assert all(m["mountPath"].startswith(course) for m in _spawn(values, "ada").volume_mounts)


def test_exchange_volume_is_read_write_many_and_shared_by_pods_and_grading_job(values):
    pvc = _load(DEPLOY / "k8s" / "exchange-pvc.yaml")
    job = _load(DEPLOY / "k8s" / "grade-job.yaml")
    assert pvc["kind"] == "PersistentVolumeClaim" and "ReadWriteMany" in pvc["spec"]["accessModes"]
    claims = {v["persistentVolumeClaim"]["claimName"] for v in values["singleuser"]["storage"]["extraVolumes"]}
    job_claims = {v["persistentVolumeClaim"]["claimName"] for v in job["spec"]["template"]["spec"]["volumes"]
                  if "persistentVolumeClaim" in v}
    assert claims == job_claims == {pvc["metadata"]["name"]}


def test_grading_job_runs_make_grade_with_workers_where_make_grade_reads_and_writes():
    job = _load(DEPLOY / "k8s" / "grade-job.yaml")
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    script = container["command"][-1]
    assert re.search(r'make grade GRADE_FLAGS="--workers [0-9]+"', script)
    assert script.index("k8s_exchange collect") < script.index("make grade") < script.index("k8s_exchange feedback")
    assert pod["securityContext"]["runAsUser"] != 0
    recipe = re.search(r"^grade:.*\n\t(.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    source, submissions, grading = recipe.split("cnncourse.instructor.grade")[1].split()[:3]
    mounted = {m["mountPath"] for m in container["volumeMounts"]}
    workdir = container["workingDir"]
    assert {f"{workdir}/{submissions}", f"{workdir}/{grading}"} <= mounted
    assert f"collect /course \"$ASSIGNMENT\" {submissions}" in script and script.endswith(grading)


# ----- the Dockerfile, by a small parser

def dockerfile_instructions(text):
    """``[(INSTRUCTION, arguments)]``: comments dropped, continuation lines joined."""
    instructions, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        instructions.append((word.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


KNOWN = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
         "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


@pytest.fixture(scope="module")
def dockerfile():
    return dockerfile_instructions((DEPLOY / "Dockerfile").read_text(encoding="utf-8"))


def test_dockerfile_instructions_are_known_and_start_from_a_pinned_base(dockerfile):
    assert {word for word, _ in dockerfile} <= KNOWN
    first = next(args for word, args in dockerfile if word != "ARG")
    assert dockerfile[[w for w, _ in dockerfile].index("FROM")][1] == first
    assert re.fullmatch(r"[\w./-]+:[\w.-]+", first) and not first.endswith(":latest")


def test_dockerfile_installs_the_pinned_environment_and_the_course(dockerfile):
    runs = [args for word, args in dockerfile if word == "RUN"]
    assert "make venv" in runs  # pyproject.toml's pins, as `make test` uses them
    copied = [args.split()[:-1] for word, args in dockerfile if word == "COPY"]
    sources = [source for sources in copied for source in sources]
    assert {"pyproject.toml", "Makefile", "cnncourse", "notebooks", "tools"} <= set(sources)
    assert all((ROOT / source).exists() for source in sources)
    assert sources.index("pyproject.toml") < sources.index("notebooks")  # the venv layer is reused
    env = " ".join(args for word, args in dockerfile if word == "ENV")
    assert "PATH=/opt/cnncourse/.venv/bin:" in env


def test_dockerfile_runs_as_a_user_with_bubblewrap_and_the_single_user_server(dockerfile):
    apt = next(args for word, args in dockerfile if word == "RUN" and "apt-get install" in args)
    assert "bubblewrap" in apt and "rm -rf /var/lib/apt/lists" in apt
    users = [args for word, args in dockerfile if word == "USER"]
    assert users and users[-1] not in {"0", "root"}
    cmd = [args for word, args in dockerfile if word == "CMD"][-1]
    assert json.loads(cmd) == ["jupyterhub-singleuser"]


def test_dockerfile_parser_joins_continuations_and_drops_comments():
    assert dockerfile_instructions("# c\nFROM a:1\nRUN x \\\n  && y\n\nUSER 1\n") == [
        ("FROM", "a:1"), ("RUN", "x    && y"), ("USER", "1")]


def test_build_context_leaves_out_the_venv_and_node_modules():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".venv", "**/node_modules", ".git"} <= set(ignored)


# ----- the Kubernetes exchange steps, on a folder laid out as the pods leave it

def _submit(course, user, assignment, timestamp, notebook_text, secret, owner_folder=None):
    folder = course / "inbound" / (owner_folder or user) / f"{user}+{assignment}+{timestamp}+r4nd"
    folder.mkdir(parents=True)
    (folder / f"{assignment}.ipynb").write_text(notebook_text)
    (folder / "timestamp.txt").write_text(timestamp)
    (folder / "submission_secret.txt").write_text(secret)
    return folder


def test_k8s_collect_takes_each_learners_newest_own_submission(tmp_path):
    course, assignment = tmp_path / "cnncourse", "01_convolution"
    _submit(course, "ada", assignment, "2026-01-01 10:00:00.000001 UTC", "old", "s1")
    _submit(course, "ada", assignment, "2026-01-02 09:00:00.000000 UTC", "new", "s2")
    _submit(course, "ben", assignment, "2026-01-03 09:00:00.000000 UTC", "forged", "s3", owner_folder="ada")
    _submit(course, "ben", assignment, "2026-01-01 09:00:00.000000 UTC", "ben's", "s4")
    _submit(course, "ben", "02_other", "2026-01-04 09:00:00.000000 UTC", "other", "s5")
    assert sorted(collect(course, assignment, tmp_path / "submitted")) == ["ada", "ben"]
    read = lambda user: (tmp_path / "submitted" / user / assignment / f"{assignment}.ipynb").read_text()
    assert (read("ada"), read("ben")) == ("new", "ben's")


def test_k8s_feedback_is_named_as_nbgraders_fetch_feedback_looks_for_it(tmp_path):
    course, assignment = tmp_path / "cnncourse", "01_convolution"
    _submit(course, "ada", assignment, "2026-01-02 09:00:00.000000 UTC", "nb", "secret-of-ada")
    pages = tmp_path / "grading" / "feedback" / "ada"
    pages.mkdir(parents=True)
    (pages / f"{assignment}.html").write_text("<p>6 / 6</p>")
    (pages / "99_not_submitted.html").write_text("<p>?</p>")
    (put,) = return_feedback(course, assignment, tmp_path / "grading")
    from nbgrader.utils import notebook_hash  # nbgrader's own name for it (imported here: 0.6 s)

    expected = notebook_hash(secret="secret-of-ada", notebook_id=assignment) + ".html"
    assert put == course / "feedback" / "ada" / expected and put.read_text() == "<p>6 / 6</p>"


def test_k8s_exchange_command_line_fails_when_nothing_was_collected(tmp_path, capsys):
    (tmp_path / "cnncourse" / "inbound").mkdir(parents=True)
    assert k8s_main(["collect", str(tmp_path / "cnncourse"), "01_convolution", str(tmp_path / "out")]) == 1
    assert "collect: 0 learners" in capsys.readouterr().out


# ----- the one-machine hub configuration, loaded as JupyterHub loads it

def test_hub_config_listens_on_loopback_with_real_users_and_role_settings(tmp_path, monkeypatch):
    settings = {"hub_dir": str(tmp_path), "ip": "127.0.0.1", "ports": {"public": 1, "hub": 2, "proxy_api": 3}, "proxy": "chp",
                "instructor": "t", "learners": ["a", "b"], "singleuser": "su", "pythonpath": "/repo",
                "path": "/bin", "service_token": "x" * 64,
                "etc": {"instructor": "/etc-i", "learner": "/etc-l"}}
    (tmp_path / "s.json").write_text(json.dumps(settings))
    monkeypatch.setenv("CNNCOURSE_CLASS_SETTINGS", str(tmp_path / "s.json"))
    c = Config()
    source = (ROOT / "tools" / "class_demo" / "jupyterhub_config.py").read_text()
    exec(compile(source, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    urls = [c.JupyterHub.bind_url, c.JupyterHub.hub_bind_url, c.ConfigurableHTTPProxy.api_url]
    assert all(url.startswith("http://127.0.0.1:") for url in urls) and c.Spawner.ip == "127.0.0.1"
    assert (c.JupyterHub.spawner_class, c.JupyterHub.authenticator_class) == ("localprocess", "pam")
    assert c.Authenticator.allowed_users == {"t", "a", "b"}
    role = c.Spawner.environment["JUPYTER_CONFIG_PATH"]
    user = lambda name: SimpleNamespace(user=SimpleNamespace(name=name))
    assert (role(user("t")), role(user("a"))) == ("/etc-i", "/etc-l")
    (service,) = c.JupyterHub.services
    (grant,) = c.JupyterHub.load_roles
    assert grant["services"] == [service["name"]] and "admin:users" in grant["scopes"]
