"""Clean feedback in a notebook kernel when a test cell runs before its solution cell.

After a kernel restart a learner may run a test cell first: ``check_dropout(my_dropout)`` then stops
with ``NameError: name 'my_dropout' is not defined`` and a traceback. :func:`install` (called when
:mod:`cnncourse.exercises` is imported in a Jupyter kernel) adds an IPython exception handler that
turns exactly that case, a name the cell passes to a check that is not defined yet, into one clean
line of feedback; every other NameError is shown as usual. Nothing changes in plain Python or in
the grader's sandbox (no Jupyter kernel there).
"""

import ast
import linecache
import sys

from .feedback import ExerciseFailed

KERNEL_SHELL = "ZMQInteractiveShell"


def checked_names(source, checks):
    """The names a cell passes to the checks ``checks`` (``check_dropout(my_dropout)`` -> {"my_dropout"})."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    return {arg.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in checks for arg in node.args if isinstance(arg, ast.Name)}


def _cell_source(tb):
    """The source of the cell in the traceback: its first module-level frame (IPython keeps each cell
    in linecache)."""
    while tb is not None and tb.tb_frame.f_code.co_name != "<module>":
        tb = tb.tb_next
    return "".join(linecache.getlines(tb.tb_frame.f_code.co_filename)) if tb is not None else ""


def not_defined_yet(name):
    """The feedback for a learner's function that is not defined yet."""
    return ExerciseFailed(f"{name} is not defined: run the solution cell above first (and the imports at the top).")


def name_error_handler(shell, etype, value, tb, tb_offset=None):
    """IPython's custom handler for NameError: one line for a checked name, the usual traceback otherwise."""
    from . import EXERCISES
    name = getattr(value, "name", None)
    if name and name in checked_names(_cell_source(tb), EXERCISES):
        failure = not_defined_yet(name)
        shell.showtraceback((type(failure), failure, None))
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install(shell=None):
    """Add :func:`name_error_handler` to ``shell`` (default: the running Jupyter kernel's, if any), unless
    it already has a custom exception handler. Returns whether it was added."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None or type(shell).__name__ != KERNEL_SHELL:
            return False
    if shell.custom_exceptions:
        return False
    shell.set_custom_exc((NameError,), name_error_handler)
    return True
