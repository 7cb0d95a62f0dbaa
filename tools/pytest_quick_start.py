"""An early pytest plugin (``-p tools.pytest_quick_start``, in pyproject.toml's pytest addopts).

jsonschema, which nbformat imports, builds some thirty Earley parsers for the IRI formats when the
optional ``rfc3987_syntax`` is installed (Jupyter's packages pull it in): 1.4 s in every pytest
process, the main one included, before any test runs. No test validates an IRI, so in the test
processes jsonschema is told the module is absent and leaves those two formats unchecked.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
