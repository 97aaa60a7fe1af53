"""DESIGN §3: viewer.core imports no Qt and no VTK."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_core_imports_neither_qt_nor_vtk():
    code = ("import sys, pkgutil, importlib, viewer.core as c\n"
            "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('viewer.core.' + m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
            "('PySide6', 'PyQt5', 'PyQt6', 'vtk', 'vtkmodules', 'pyvista', 'pyvistaqt'))\n"
            "print(len([n for n in sys.modules if n.startswith('viewer.core.')]), bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    count, bad = result.stdout.split(" ", 1)
    assert int(count) >= 8, result.stderr
    assert bad.strip() == "[]"


LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")
def test_import_linter_contracts_hold():
    result = subprocess.run([str(LINT_IMPORTS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
