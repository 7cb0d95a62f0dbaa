"""A class on JupyterHub on one machine: ``make class-demo`` (:mod:`tools.class_demo.demo`).

- :mod:`~tools.class_demo.accounts`        the instructor and learners as real Unix users
- :mod:`~tools.class_demo.class_folder`    the class folder and nbgrader's exchange, locked down
- :mod:`~tools.class_demo.locked_exchange` nbgrader's submit and collect with their holes closed
- :mod:`~tools.class_demo.hub`             the JupyterHub process and a REST client
- ``jupyterhub_config.py``                 the hub's configuration (reusable for a real class)
- :mod:`~tools.class_demo.cycle`           release, fetch, submit, collect, grade, feedback
- :mod:`~tools.class_demo.outcome`         what a cycle produced, and whether it is right
- :mod:`~tools.class_demo.feedback`        feedback pages put where nbgrader releases them from
- :mod:`~tools.class_demo.setup_class`     a lasting class of existing users
- :mod:`~tools.class_demo.namespace`       a private mount namespace where the Python is under /root
- :mod:`~tools.class_demo.k8s_exchange`    collect and return feedback on Kubernetes (deploy/)
"""
