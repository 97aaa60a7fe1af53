"""Presenter mode and File → Share… in the real window (run under xvfb-run)."""
import json
import os

import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def _docks(win):
    from PySide6.QtWidgets import QDockWidget

    return {d.windowTitle(): d.isVisible() for d in win.findChildren(QDockWidget)}


def test_present_fills_the_screen_and_esc_brings_the_window_back(window, qtbot):
    from PySide6.QtCore import Qt

    before = (window.geometry(), _docks(window), window.playhead.speed, window.playhead.playing)
    view_before = window.view.widget.size()
    assert all(before[1].values())
    qtbot.keyClick(window, Qt.Key_P)
    presenter = window.presenter
    screen = window.screen().geometry()
    qtbot.waitUntil(lambda: window.view.widget.size() == screen.size(), timeout=3000)
    assert not any(_docks(window).values())
    assert not window.menuBar().isVisible() and not window.playbar.isVisible()
    assert window.view.widget.mapToGlobal(window.view.widget.rect().topLeft()) == screen.topLeft()
    assert window.playhead.speed == 0.5 and window.playhead.playing
    bands = presenter.bands
    assert bands.isVisible() and bands.geometry().size() == screen.size()
    assert bands.phase.text() == "Raise to 90°"
    assert bands.phase.font().pixelSize() >= 30 and bands.caption.font().pixelSize() >= 24
    assert "Warm: shortening" in bands.legend.text() and "not effort" in bands.note.text()
    assert bands.top.height() + bands.bottom.height() < 0.45 * screen.height()  # most of the screen is the body

    qtbot.wait(400)  # the view rebuilds its small overlay text after a resize: it stays hidden
    assert not _small_text_shown(window)
    # ...but the muscle labels and the measuring line's text stay, at presenter size, between the bands
    window.seek(1.25)
    labels = window.view.overlays.labels
    texts = [a.GetInput() for a in labels.texts if a.GetVisibility()]
    assert any(t.startswith("Iliacus — shortening") for t in texts), texts
    assert any(t.startswith("Ribs to pubis") and t.endswith(" cm") for t in texts), texts
    assert labels.font >= 24  # read from a chair: larger than the window's 16–18 px
    height = window.view.widget.height()
    for x0, y0, x1, y1 in labels.boxes:  # display pixels, from the bottom
        assert y0 >= bands.bottom.height() and y1 <= height - bands.top.height()

    qtbot.mouseClick(bands.play, Qt.LeftButton)  # the big button pauses
    assert not window.playhead.playing
    qtbot.keyClick(window, Qt.Key_Escape)
    qtbot.waitUntil(lambda: window.menuBar().isVisible(), timeout=3000)
    assert not presenter.active
    qtbot.waitUntil(lambda: window.view.widget.size() == view_before, timeout=3000)
    assert window.geometry() == before[0]
    assert _docks(window) == before[1]
    assert window.playbar.isVisible() and window.statusBar().isVisible()
    assert (window.playhead.speed, window.playhead.playing) == (before[2], before[3])
    qtbot.wait(400)
    assert _small_text_shown(window)


def _small_text_shown(win) -> bool:
    """Whether any overlay word other than the labels beside the body is drawn."""
    from viewer.render.layers import screen_text

    labels = set(map(id, win.view.overlays.label_props()))
    shown = [p.GetVisibility() for p in screen_text(win.view.plotter) if id(p) not in labels]
    assert shown  # the window does draw overlay text
    return any(shown)


def test_share_writes_the_page_of_what_the_window_shows(window, qtbot, tmp_path):
    from viewer.app.share_dialog import start_share

    model = window.session.model
    window.muscles.set_visible([m.group != "hamstrings" for m in model.muscles])  # as Show/Isolate do
    window.set_view("front")  # supine, seen from the front: the camera looks down
    out = tmp_path / "leg_raise.html"
    job = start_share(window, str(out), "Ten raises")
    qtbot.waitUntil(lambda: job.done, timeout=60000)
    qtbot.waitUntil(lambda: "Wrote" in window.statusBar().currentMessage(), timeout=3000)
    text = out.read_text(encoding="utf-8")
    data = json.loads(text.split('id="mv-data">', 1)[1].split("</script>", 1)[0])
    assert data["note"] == "Ten raises"
    assert "hamstrings" not in data["muscles"]["groups"] and "hip flexors" in data["muscles"]["groups"]
    assert data["camera"]["direction"][2] > 0.99


def test_cancelled_share_leaves_no_file(window, qtbot, tmp_path):
    from viewer.app.share_dialog import start_share

    out = tmp_path / "page.html"
    job = start_share(window, str(out))
    job.cancelled = True
    qtbot.waitUntil(lambda: job.done, timeout=60000)
    assert job.result[1].endswith("sharing cancelled; nothing was written")
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=3000)
    assert not window.banner.isVisible()
    assert list(tmp_path.glob("page*")) == [] and not list(tmp_path.glob(".page*"))
