"""DESIGN §3: the layers. viewer.core imports no Qt and no VTK, render no Qt and no MuJoCo, the app
no MuJoCo, and core's own modules form layers without cycles (import-linter, run in CI)."""
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


def test_import_linter_contracts_hold():
    # Installed by scripts/test.sh (the `test` extra): a missing linter is a failure, not a skip.
    assert LINT_IMPORTS.exists(), "import-linter is not installed: run scripts/test.sh"
    result = subprocess.run([str(LINT_IMPORTS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core's own layers" in result.stdout and "KEPT" in result.stdout


def test_no_import_cycle_inside_core():
    import grimp

    graph = grimp.build_graph("viewer", include_external_packages=False)
    core = sorted(m for m in graph.modules if m.startswith("viewer.core."))
    assert len(core) >= 20
    cycles = [(a, b) for i, a in enumerate(core) for b in core[i + 1:]
              if graph.chain_exists(a, b) and graph.chain_exists(b, a)]
    assert cycles == []


def test_render_never_samples_kinematics():
    """Render gets a FrameFeed and its batches: the feed has no way to sample, and render names none."""
    from viewer.core.feed import FrameFeed

    assert not hasattr(FrameFeed, "sample")
    sources = sorted((ROOT / "viewer" / "render").glob("*.py"))
    assert sources
    offenders = [p.name for p in sources if ".sample(" in p.read_text() or "kin.times(" in p.read_text()]
    assert offenders == []
