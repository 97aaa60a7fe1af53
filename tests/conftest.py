import os
from pathlib import Path

import pytest

os.environ.setdefault("MUJOCO_GL", "disable")
# Qt keeps settings under $XDG_CONFIG_HOME: the tests, the app they build and the commands they run
# get a folder of their own, never the user's real settings (a saved layout once squeezed a panel).
os.environ["XDG_CONFIG_HOME"] = __import__("tempfile").mkdtemp(prefix="mv-test-settings-")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def window(qtbot, tmp_path):
    """The app's main window at its default size, showing the lying leg raise, with its own settings."""
    from PySide6.QtCore import QSettings

    from viewer.app.window import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.restore(str(SCENARIOS / "leg_raise.yaml"))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    qtbot.wait(300)
    yield win
    win.timer.stop()


@pytest.fixture(scope="session")
def full_body():
    from viewer.core.binding import load_model

    return load_model("full-body")


@pytest.fixture(scope="session")
def founding():
    """(scenario, model, kinematics, frames at 60 fps) of the three founding scenarios."""
    from viewer.core.kinematics import Kinematics
    from viewer.core.binding import load_checked

    out = {}
    for name in ("leg_raise", "reverse_crunch", "crunch"):
        scenario, model = load_checked(SCENARIOS / f"{name}.yaml")
        kin = model.kinematics(scenario)
        out[name] = (scenario, model, kin, kin.sample(kin.times(60)))
    return out


def as_yaml12(data):
    """YAML as editors read it (1.2): a bare `on:` key (contacts) is the text 'on', not true."""
    if isinstance(data, dict):
        return {("on" if k is True else k): as_yaml12(v) for k, v in data.items()}
    return [as_yaml12(v) for v in data] if isinstance(data, list) else data
