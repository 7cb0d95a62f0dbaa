"""A text progress bar for the explorers' precomputations that leaves one line in a notebook.

tqdm's widget bar makes a book page load the 3.6 MB ipywidgets embed script, and its text bar
leaves one output per update in a saved notebook. Here, inside IPython, tqdm's text bar writes
into one display that each update replaces; elsewhere it writes to stderr as usual.
"""

from tqdm import tqdm


class _OneLine:
    """A file for tqdm whose every write replaces one IPython display's text."""

    def __init__(self):
        from IPython.display import display
        self.handle = display({"text/plain": ""}, raw=True, display_id=True)

    def write(self, text):
        text = text.strip("\r\n")
        if text:
            self.handle.update({"text/plain": text}, raw=True)

    def flush(self):
        pass


def progress(iterable, desc, unit):
    """``tqdm(iterable)`` with this module's one-line output inside IPython."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    file = _OneLine() if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell" else None
    return tqdm(iterable, desc=desc, unit=unit, file=file)
