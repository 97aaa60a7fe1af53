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


WINDOW_SIZE = (1500, 900)  # px: every GUI test sees the same window, whatever the screen


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Make main windows as the app does, each at WINDOW_SIZE with its own settings file.

    open_window(path) shows `path` (None: nothing yet) and waits until the scene is drawn and the
    plot built after it; settings: a QSettings to share between windows (a restart)."""
    from PySide6.QtCore import QSettings

    from viewer.app.window import MainWindow

    made = []

    def make(path=SCENARIOS / "leg_raise.yaml", settings=None, activate: bool = True):
        name = f"settings{len(made) or ''}.ini"  # settings.ini, settings1.ini, ...
        win = MainWindow(settings or QSettings(str(tmp_path / name), QSettings.IniFormat))
        made.append(win)
        qtbot.addWidget(win)
        win.resize(*WINDOW_SIZE)
        win.show()
        qtbot.waitExposed(win)
        if path is not None:
            win.restore(str(path))
            qtbot.waitUntil(lambda: win.plot.built, timeout=10000)  # the first frame came, then the plot
        if activate:
            win.activateWindow()
            qtbot.waitUntil(win.isActiveWindow, timeout=3000)  # shortcuts go to the active window
        return win

    yield make
    for win in made:
        win.timer.stop()


@pytest.fixture
def window(open_window):
    """The app's main window at WINDOW_SIZE, showing the lying leg raise, with its own settings."""
    return open_window()


@pytest.fixture(scope="session")
def full_body():
    from viewer.core.model.binding import load_model

    return load_model("full-body")


@pytest.fixture(scope="session")
def founding():
    """(scenario, model, kinematics, frames at 60 fps) of the three founding scenarios."""
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked

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
