"""The app stays up, with a one-line banner per problem, for every hostile file the CLI refuses."""
import os

import pytest

from tests.test_safety import ALIAS_BOMB

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def test_the_app_keeps_running_with_a_banner_for_hostile_files(window, tmp_path):
    win = window
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB)
    (tmp_path / "loop.yaml").write_text("format: 1\ntitle: t\nkeyframes: &k\n  - *k\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "huge.yaml").write_text("format: 1\ntitle: t\nkeyframes:\n  - {time: 0}\n  - {time: 1.0e+308}\n")
    cases = {"bomb.yaml": "alias bomb", "loop.yaml": "recursive alias", "pipe.yaml": "FIFO",
             "huge.yaml": "numbers beyond", "/dev/zero": "device"}
    for name, words in cases.items():
        path = name if name.startswith("/") else str(tmp_path / name)
        assert win.open_path(path) is False
        text = win.banner.label.text()
        assert words in text, text
        assert "Error:" not in text and "Traceback" not in text
        assert win.session.scenario.title == "Lying leg raise"  # the last good scenario stays loaded


def test_the_apps_export_share_screenshot_and_save_as_never_replace_an_input(window, qtbot, tmp_path, monkeypatch):
    """Each output dialog of the app, pointed (through a symlink) at the scenario or its model file:
    one line for the user, and the inputs byte for byte as they were."""
    import shutil

    from PySide6.QtWidgets import QFileDialog

    from tests.conftest import FIXTURES
    from viewer.app.export_dialog import ExportDialog
    from viewer.app.share_dialog import start_share

    for name in ("two_muscles.xml", "two_muscles_curl.yaml"):
        shutil.copy(FIXTURES / "models" / name, tmp_path / name)
    scenario, model = tmp_path / "two_muscles_curl.yaml", tmp_path / "two_muscles.xml"
    before = {p: p.read_bytes() for p in (scenario, model)}
    assert window.open_path(str(scenario)) is not False
    (tmp_path / "link.mp4").symlink_to(scenario)
    (tmp_path / "link.html").symlink_to(model)
    (tmp_path / "link.png").symlink_to(model)

    dialog = ExportDialog(window.session, window.state, window.view, window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "link.mp4"))
    dialog.start_button.click()
    assert "an output never replaces an input" in dialog.status.text()

    job = start_share(window, str(tmp_path / "link.html"))
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert "two_muscles.xml" in job.result[1] and "never replaces" in job.result[1]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "link.png"), ""))
    window.screenshot_dialog()
    assert "never replaces" in window.banner.label.text()

    window.edit_action.trigger()
    assert window.editor.save_as(str(model)) is False
    assert "never replaces" in window.editor.panel.message.text() + window.statusBar().currentMessage()
    assert window.editor.save_as(str(scenario)) is True  # saving onto itself is Save
    before[scenario] = scenario.read_bytes()
    for path, data in before.items():
        assert path.read_bytes() == data, path
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_symlink()) == \
        ["settings.ini", "two_muscles.xml", "two_muscles_curl.yaml"]


def test_gui_tests_and_the_app_under_them_never_use_the_users_settings():
    from pathlib import Path

    from PySide6.QtCore import QSettings

    own = os.environ["XDG_CONFIG_HOME"]
    default = QSettings("muscle-viewer", "muscle-viewer").fileName()  # what MainWindow() uses
    assert default.startswith(own + os.sep), default
    assert not default.startswith(str(Path.home() / ".config") + os.sep)


def test_a_saved_layout_cannot_squeeze_the_panels(qtbot, tmp_path):
    """A window state saved with the exercise list 55 px wide and the plot 20 px high."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QDockWidget

    from tests.conftest import SCENARIOS
    from viewer.app.window import MIN_PANEL_HEIGHT, MIN_PANEL_WIDTH, MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    docks = {d.objectName(): d for d in first.findChildren(QDockWidget)}
    for dock in docks.values():
        dock.setMinimumSize(0, 0)  # as a version without minimums saved it
    first.resizeDocks([docks["dock_Exercises"], docks["dock_Muscles"]], [55, 60], Qt.Horizontal)
    first.resizeDocks([docks["dock_Length over time"]], [20], Qt.Vertical)
    qtbot.waitUntil(lambda: docks["dock_Exercises"].width() < 100, timeout=3000)
    settings.setValue("window_state", first.saveState())
    settings.setValue("geometry", first.saveGeometry())
    first.timer.stop()
    first.close()

    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.restore(str(SCENARIOS / "leg_raise.yaml"))
    docks = {d.objectName(): d for d in win.findChildren(QDockWidget)}
    qtbot.waitUntil(lambda: docks["dock_Exercises"].width() >= MIN_PANEL_WIDTH, timeout=3000)
    assert docks["dock_Muscles"].width() >= MIN_PANEL_WIDTH
    assert docks["dock_Length over time"].height() >= MIN_PANEL_HEIGHT
    win.timer.stop()
