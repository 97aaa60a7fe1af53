"""Hot reload: a scenario changed by a text editor shows in the open app, or its error shows
while the last good version stays. How fast is measured by `benchmarks/playback.py`
(hot_reload_s), not here: timed unit tests flake on a busy machine.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os
import time

import pytest

from tests.conftest import SCENARIOS

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]

SHOWN_S = 30.0  # a generous bound: only "it does reload"; speed is the benchmark's


def save_by_rename(path, text: str) -> None:
    """What many editors do: write a new file beside the old one and rename it over it."""
    tmp = path.with_name(path.name + ".swp")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "leg_raise.yaml"
    path.write_text((SCENARIOS / "leg_raise.yaml").read_text())
    return path


def test_watcher_reports_each_rename_save(qtbot, scenario_file):
    from viewer.app.hot_reload import HotReload

    watcher = HotReload()
    watcher.watch(scenario_file)
    for n in range(2):  # the second one proves the path is watched again after a rename
        with qtbot.waitSignal(watcher.changed, timeout=int(SHOWN_S * 1000)) as signal:
            save_by_rename(scenario_file, scenario_file.read_text() + f"# edit {n}\n")
        assert signal.args == [str(scenario_file.resolve())]
    with qtbot.assertNotEmitted(watcher.changed, wait=400):  # same bytes again: nothing to reload
        save_by_rename(scenario_file, scenario_file.read_text())


@pytest.fixture
def window(open_window, scenario_file):
    return open_window(scenario_file)


def test_an_external_edit_reloads_and_keeps_the_time(window, qtbot, scenario_file, monkeypatch):
    assert window.session.scenario.title == "Lying leg raise"
    window.seek(1.0)
    text = scenario_file.read_text().replace("title: Lying leg raise", "title: Leg raise, edited")
    seen, reload = [], window.reload_current
    monkeypatch.setattr(window, "reload_current", lambda: seen.append(time.monotonic()) or reload())
    save_by_rename(scenario_file, text.replace("time: 5.5", "time: 6"))
    qtbot.waitUntil(lambda: window.session.scenario.title == "Leg raise, edited", timeout=int(SHOWN_S * 1000))
    assert len(seen) == 1  # one reload for one save
    assert window.session.duration == 6.0
    assert window.playbar.time_label.text() == "1.00 / 6.00 s"  # the time the user was at is kept
    assert window.windowTitle().startswith("Leg raise, edited")


def test_a_broken_edit_shows_its_error_and_keeps_the_last_good_version(window, qtbot, scenario_file):
    good = scenario_file.read_text()
    save_by_rename(scenario_file, good.replace("hip_flexion: 90, knee_flexion: 0}\n  - time: 3",
                                               "hip_flexon: 90, knee_flexion: 0}\n  - time: 3"))
    qtbot.waitUntil(window.banner.isVisible, timeout=int(SHOWN_S * 1000))
    text = window.banner.label.text()
    assert "leg_raise.yaml:16: unknown joint 'hip_flexon' (did you mean hip_flexion?)" in text
    assert "Still showing: Lying leg raise" in text
    assert window.session.scenario.title == "Lying leg raise"
    window.seek(2.0)  # the last good version still plays
    assert window.playbar.time_label.text() == "2.00 / 5.50 s"
    save_by_rename(scenario_file, good.replace("Lying leg raise", "Fixed leg raise"))  # fixing it clears the error
    qtbot.waitUntil(lambda: window.session.scenario.title == "Fixed leg raise", timeout=int(SHOWN_S * 1000))
    assert not window.banner.isVisible()
