"""The main window's size rule and its one-way wiring (#24): read from the source, no display needed.

MainWindow writes into the view state and the panels follow its events; nobody pushes time into
a panel or silences a panel's signals from outside it, and the window stays small enough to read.
"""
import ast

from tests.conftest import ROOT

APP = ROOT / "viewer" / "app"
MAX_LINES = 300


def _class_lines(path, name: str) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    return node.end_lineno - node.lineno + 1


def test_main_window_and_its_file_stay_under_300_lines():
    window = APP / "window.py"
    assert len(window.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
    assert _class_lines(window, "MainWindow") <= MAX_LINES


def test_nobody_pushes_time_or_blocks_a_panels_signals_from_the_window():
    for name in ("window.py", "editing.py", "presenter.py", "menus.py", "window_settings.py"):
        source = (APP / name).read_text(encoding="utf-8")
        assert "show_time(" not in source, name  # panels follow the state's time event themselves
        assert "blockSignals" not in source, name  # a panel shows the state without echoing it back
    presenter = (APP / "presenter.py").read_text(encoding="utf-8")
    assert "interval=" not in presenter  # its bands follow the time event: no timer polls the playhead


def test_every_call_that_makes_the_3d_view_follow_the_state_is_in_bind_view():
    """Until View3D binds itself, one method holds the wiring that View3D.bind(state) replaces."""
    tree = ast.parse((APP / "window.py").read_text(encoding="utf-8"))
    following = {"show_frame", "set_visible", "recolour", "set_bone_opacity", "set_camera", "highlight"}
    where = {}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for method in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(method):
                if isinstance(node, ast.Attribute) and node.attr in following:
                    base = node.value
                    if isinstance(base, ast.Name) and base.id == "view" or \
                            isinstance(base, ast.Attribute) and base.attr == "view":
                        where.setdefault(method.name, set()).add(node.attr)
    assert set(where) == {"_bind_view"}, where
    for name in ("editing.py", "presenter.py", "editor.py"):
        source = (APP / name).read_text(encoding="utf-8")
        assert not any(f"view.{call}(" in source for call in following), name
