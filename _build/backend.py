"""The build backend: setuptools, after refusing Pythons older than 3.10 with a clear message.

pip does not check a local project's Requires-Python before it resolves the dependencies, so on
Python 3.9 `pip install .` would otherwise fail on some dependency's version instead.
"""
import sys

from setuptools.build_meta import *  # noqa: F401,F403  (the standard PEP 517/660 hooks)

if sys.version_info < (3, 10):
    raise SystemExit(f"newsclean needs Python 3.10 or newer; this is Python {sys.version.split()[0]}. "
                     "Install it with a newer Python.")
