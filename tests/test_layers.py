"""DESIGN §3: the layers. viewer.core imports no Qt and no VTK, render no Qt and no MuJoCo, the app
no MuJoCo, and core's parts form layers without cycles (import-linter, run in CI)."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_core_imports_neither_qt_nor_vtk():
    code = ("import sys, pkgutil, importlib, viewer.core as c\n"
            "for m in pkgutil.walk_packages(c.__path__, 'viewer.core.'): importlib.import_module(m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
            "('PySide6', 'PyQt5', 'PyQt6', 'vtk', 'vtkmodules', 'pyvista', 'pyvistaqt'))\n"
            "print(len([n for n in sys.modules if n.startswith('viewer.core.')]), bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    count, bad = result.stdout.split(" ", 1)
    assert int(count) >= 50, result.stderr  # every module, in sub-packages too
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


def _kinematics_uses(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module imports core's kinematics module or calls (or names) `sample` or the feed's
    private kinematics, found in its syntax tree: 'file:line what'."""
    import ast

    tree = ast.parse(path.read_text(), str(path))
    shown = path.relative_to(root)
    package = ".".join(shown.with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            modules = [base] + [f"{base}.{a.name}" for a in node.names]
        for module in modules:
            parts = module.split(".")
            if parts[:2] == ["viewer", "core"] and parts[-1] == "kinematics":
                found.append(f"{shown}:{node.lineno} imports {module}")
        if isinstance(node, ast.Attribute) and node.attr in ("sample", "_kin"):
            found.append(f"{shown}:{node.lineno} uses .{node.attr}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in ("sample", "_kin")):
            found.append(f"{shown}:{node.lineno} getattr {node.args[1].value!r}")
    return found


def test_render_and_the_page_never_sample_kinematics_nor_import_it():
    """DESIGN §3: render and the take-home page get a FrameFeed and its batches (frames with their colours
    and overlay values); the feed has no way to sample, and neither names kinematics or `sample`."""
    from viewer.core.session.feed import FrameFeed

    assert not hasattr(FrameFeed, "sample")
    sources = sorted(p for folder in ("render", "share") for p in (ROOT / "viewer" / folder).rglob("*.py"))
    assert len(sources) > 10
    offenders = [use for p in sources for use in _kinematics_uses(p)]
    assert offenders == []


def test_the_syntax_check_finds_what_it_is_for(tmp_path):
    """The check above is not blind: each way of reaching kinematics from a module is found."""
    module = tmp_path / "viewer" / "render" / "probe.py"
    module.parent.mkdir(parents=True)
    lines = ["from viewer.core.motion.kinematics import Kinematics", "from viewer.core import kinematics",
             "import viewer.core.motion.kinematics as k", "from ..core.kinematics import Motion", "frames = feed.sample([0.0])",
             "kin = feed._kin", "f = getattr(feed, 'sample')", "x = feed.batch([0.0]).frames"]
    module.write_text("\n".join(lines) + "\n")
    found = _kinematics_uses(module, tmp_path)
    assert sorted(int(f.split(":")[1].split(" ")[0]) for f in found) == [1, 2, 3, 4, 5, 6, 7]
    assert any(f.startswith("viewer/render/probe.py:4 imports viewer.") and f.endswith(".kinematics") for f in found)


MAX_LINES = 450


def test_no_module_in_viewer_is_over_450_lines():
    """Small modules (issue 24): a file that grows past this is split by what its parts do."""
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "viewer").rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
