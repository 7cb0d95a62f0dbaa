"""A JupyterHub process for the class, and a small client of its REST API (and of the servers
behind its proxy), authenticated as one person by that person's token."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().with_name("jupyterhub_config.py")
PROXY = ROOT / "tools" / "hub_assets" / "node_modules" / ".bin" / "configurable-http-proxy"


class HubError(RuntimeError):
    """The hub or a server answered with an error, or did not come up."""


def free_ports(count):
    """``count`` distinct free TCP ports on 127.0.0.1."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Api:
    """Requests to ``base`` (the proxy's URL) with one person's token."""

    base: str
    token: str

    def call(self, method, path, body=None, form=None, timeout=120):
        """``method path`` -> the decoded JSON answer (None when empty); HubError on an HTTP error."""
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                text = answer.read().decode()
        except urllib.error.HTTPError as error:
            raise HubError(f"{method} {path}: HTTP {error.code} {error.read().decode()[:500]}") from None
        return json.loads(text) if text.strip() else None


def hub_settings(folder, instructor, learners, ports, service_token=None, ip="127.0.0.1"):
    """What tools/class_demo/jupyterhub_config.py reads: ``ports`` (public, hub, proxy_api), the
    accounts, the role settings of ``folder``, this Python's servers; a service token for the demo."""
    bin_dir = Path(sys.executable).parent
    settings = {
        "hub_dir": str(folder.hub), "ip": ip, "ports": dict(zip(("public", "hub", "proxy_api"), ports)),
        "proxy": str(PROXY), "instructor": instructor, "learners": list(learners),
        "singleuser": str(bin_dir / "jupyterhub-singleuser"),
        "etc": {role: str(folder.etc(role)) for role in ("instructor", "learner")},
        "pythonpath": str(ROOT), "path": os.pathsep.join([str(bin_dir), "/usr/local/bin", "/usr/bin", "/bin"]),
    }
    if service_token:
        settings["service_token"] = service_token
    return settings


def write_settings(folder, settings):
    """Write the settings into the hub's private folder (they may hold a token); their path."""
    path = folder.hub / "settings.json"
    path.write_text(json.dumps(settings, indent=1), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


class Hub:
    """``jupyterhub`` run as root with this class's settings; stopped (servers too) by :meth:`stop`."""

    def __init__(self, folder, instructor, learners):
        self.folder = folder
        self.service_token = secrets.token_hex(32)
        self.settings = hub_settings(folder, instructor, learners, free_ports(3), self.service_token)
        self.url = f"http://127.0.0.1:{self.settings['ports']['public']}"
        self.log_path = folder.hub / "jupyterhub.log"
        self.process = None

    def start(self, timeout=60):
        settings = write_settings(self.folder, self.settings)
        environment = {**os.environ, "CNNCOURSE_CLASS_SETTINGS": str(settings),
                       "PATH": self.settings["path"]}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=self.folder.hub,
                env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        service = self.api(self.service_token)
        while True:
            if self.process.poll() is not None:
                raise HubError(f"jupyterhub exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                service.call("GET", "/hub/api/", timeout=5)
                return
            except (OSError, HubError):
                if time.monotonic() > deadline:
                    raise HubError(f"jupyterhub did not answer in {timeout} s:\n{self.log_tail()}") from None
                time.sleep(0.2)

    def api(self, token):
        return Api(self.url, token)

    def user_token(self, name):
        """A new API token of user ``name`` (made by the demo's service; it has the user's rights)."""
        answer = self.api(self.service_token).call(
            "POST", f"/hub/api/users/{name}/tokens", body={"note": "class demo", "expires_in": 3600})
        return answer["token"]

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout=30):
        """SIGTERM to the hub (it stops the proxy and every server it started), SIGKILL to what is left
        of its process group after ``timeout`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
