"""Import this first to spare a process jsonschema's IRI parsers: an early pytest plugin (``-p
tools.skip_iri_parsers``, in pyproject.toml's pytest addopts) and the first import of ``python -m
benchmarks``.

jsonschema, which nbformat imports, builds some thirty Earley parsers for the IRI formats when the
optional ``rfc3987_syntax`` is installed (Jupyter's packages pull it in): 1.4 s in every process
that reads a notebook, before it does anything. Nothing here validates an IRI, so these processes
tell jsonschema the module is absent, and it leaves those two formats unchecked.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
