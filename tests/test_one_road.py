"""One road to pixels (issue 24): one module builds the camera of a picture, and the windows
draw through the same Stage as every export."""
import ast
from pathlib import Path

VIEWER = Path(__file__).resolve().parents[1] / "viewer"


def calls_to(name: str) -> dict[str, int]:
    """Modules of viewer/ that call `name(...)`, with how often."""
    found = {}
    for path in sorted(VIEWER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        count = sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call) and (
            getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name))
        if count:
            found[str(path.relative_to(VIEWER))] = count
    return found


def test_exactly_one_module_constructs_the_camera_rig():
    assert list(calls_to("CameraRig")) == ["render/stage.py"]


def test_the_window_and_every_export_draw_through_one_stage():
    builders = calls_to("Stage")
    assert set(builders) == {"render/export.py", "app/view3d.py"}, builders  # off-screen and on the window
    assert calls_to("Scene").keys() == {"render/stage.py"}  # nobody builds a scene beside a Stage
    assert calls_to("Overlays").keys() == {"render/stage.py"}
