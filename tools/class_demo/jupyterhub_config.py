"""JupyterHub configuration of a class on one machine (``make class-demo`` runs it).

Everything specific to one class comes from the JSON file named by $CNNCOURSE_CLASS_SETTINGS
(written by :mod:`tools.class_demo.hub`): ports, accounts, folders, the demo's service token.
To teach a real class with it, swap the authenticator (see README, "Teaching a class").
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)
settings = json.loads(Path(os.environ["CNNCOURSE_CLASS_SETTINGS"]).read_text(encoding="utf-8"))
hub_dir = Path(settings["hub_dir"])

# the proxy on settings["ip"] (the demo: 127.0.0.1); the hub and the proxy's REST API on loopback
c.JupyterHub.bind_url = f"http://{settings['ip']}:{settings['ports']['public']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings['ports']['hub']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['ports']['proxy_api']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # the hub stops every server when it stops

# who may log in: the class's Unix users, with their Unix passwords (PAM). The demo sets no
# password, so nobody logs in through its form; it acts through API tokens.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {settings["instructor"], *settings["learners"]}

# each person's server runs as that Unix user: nbgrader reads the learner's id from it
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.ip = "127.0.0.1"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = c.Spawner.http_timeout = 120


def _role_config(spawner):
    """Each role's Jupyter and nbgrader settings (extensions, course, exchange)."""
    role = "instructor" if spawner.user.name == settings["instructor"] else "learner"
    return settings["etc"][role]


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": _role_config,
    "PYTHONPATH": settings["pythonpath"],  # the locked exchange steps (tools.class_demo)
    "PATH": settings["path"],
}

# the demo's own service: makes each person's API token, nothing else
if "service_token" in settings:
    c.JupyterHub.services = [{"name": "class-demo", "api_token": settings["service_token"]}]
    c.JupyterHub.load_roles = [{"name": "class-demo", "services": ["class-demo"],
                                "scopes": ["admin:users", "admin:servers", "tokens"]}]
