"""Rendering on demand in the window: one render per screen update, fast while moving, full when still.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os

import numpy as np
import pytest

from tests.conftest import SCENARIOS

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def on_screen(view) -> np.ndarray:
    """What the last render left in the window, read back without rendering again."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

    grab = vtkWindowToImageFilter()
    grab.SetInput(view.plotter.ren_win)
    grab.ShouldRerenderOff()
    grab.ReadFrontBufferOff()
    grab.Update()
    image = grab.GetOutput()
    w, h, _ = image.GetDimensions()
    return vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[..., :3].copy()


def test_playing_renders_once_per_screen_update_in_fast_quality(window, qtbot):
    view = window.view
    renders = []
    tag = view.plotter.ren_win.AddObserver("EndEvent", lambda *_: renders.append(1))
    start = view.redraw.paints
    window.toggle_play()
    qtbot.waitUntil(lambda: view.redraw.paints - start >= 3, timeout=15000)  # slow on a loaded machine
    assert view.redraw.moving and view.scene.quality == "fast"
    assert not view.plotter.renderer.GetUseFXAA()  # no anti-aliasing while moving
    assert not view.plotter.renderer.GetUseOIT()
    window.toggle_play()
    painted = view.redraw.paints - start
    view.plotter.ren_win.RemoveObserver(tag)
    assert painted >= 2
    assert len(renders) <= painted + 1  # no render is thrown away (at most the one in flight)


def test_full_quality_returns_after_the_motion_stops_and_the_still_frame_is_the_full_render(window, qtbot):
    view = window.view
    window.toggle_play()
    qtbot.waitUntil(lambda: view.scene.quality == "fast", timeout=5000)
    qtbot.wait(300)
    painted = []
    view.redraw.drawn.connect(lambda: painted.append(view.scene.quality))
    window.toggle_play()
    qtbot.waitUntil(lambda: "full" in painted, timeout=3000)
    assert painted[0] == "full"  # stopping draws the still in full quality at once, no fast frame first
    assert not view.redraw.moving and view.plotter.renderer.GetUseFXAA() and view.plotter.renderer.GetUseOIT()
    still = on_screen(view)
    again = view.pixels()[::-1]  # pixels() renders now, in full quality (top row first)
    assert np.array_equal(still, again)


def test_rotating_with_the_mouse_draws_fast_then_full(window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    view = window.view
    widget = view.widget
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mousePress(widget, Qt.LeftButton, Qt.NoModifier, centre)
    for k in range(1, 6):
        QTest.mouseMove(widget, centre + QPoint(12 * k, 0))
        qtbot.wait(20)
    assert view.redraw.moving and view.scene.quality == "fast"
    QTest.mouseRelease(widget, Qt.LeftButton, Qt.NoModifier, centre + QPoint(60, 0))
    qtbot.waitUntil(lambda: view.scene.quality == "full", timeout=1000)
    assert window.picked is None  # a drag is a rotation, not a click


def test_one_change_after_a_quiet_time_is_drawn_in_full_quality(window, qtbot):
    import time

    from viewer.app.redraw import SETTLE_MS

    view = window.view
    qtbot.waitUntil(lambda: time.monotonic() - view.redraw._last_busy > 2 * SETTLE_MS / 1000, timeout=5000)
    window.seek(1.25)
    assert view.scene.quality == "full" and not view.redraw.moving


def test_reloading_the_same_model_keeps_the_bone_actors(window, tmp_path):
    path = tmp_path / "leg_raise.yaml"
    path.write_text((SCENARIOS / "leg_raise.yaml").read_text())
    assert window.open_path(str(path))
    bones = list(window.view.scene.bone_actors)
    path.write_text(path.read_text().replace("hip_flexion: 90,", "hip_flexion: 80,"))
    assert window.reload_current()
    scene = window.view.scene
    assert [id(a) for a in scene.bone_actors] == [id(a) for a in bones]
    drawn = window.view.plotter.renderer.GetActors()
    assert all(drawn.IsItemPresent(a) for a in bones)
    assert drawn.IsItemPresent(scene.focus.actor) and drawn.IsItemPresent(scene.floor)
    assert window.open_path(str(SCENARIOS / "teaching_arm_curl.yaml"))  # another model: its own bones
    arm = window.view.scene.bone_actors
    assert len(arm) == len(window.session.model.bone_geoms) and not {id(a) for a in arm} & {id(b) for b in bones}
    assert not any(drawn.IsItemPresent(b) for b in bones)


def test_the_plot_playhead_follows_playback_at_a_calm_rate_and_ends_where_playback_ends(window, qtbot):
    plot = window.plot
    moves = []
    plot.playhead.sigPositionChanged.connect(lambda line: moves.append(line.value()))
    for k in range(1, 31):  # 30 updates in quick succession, as playback sends them
        plot.show_time(k * 0.05)
    assert moves == [pytest.approx(0.05)]  # the first at once, the rest wait
    qtbot.waitUntil(lambda: plot.playhead.value() == pytest.approx(1.5), timeout=1000)
    assert len(moves) == 2


def _moving_frame(view, qtbot, reduced: bool) -> np.ndarray:
    """One fast-quality frame drawn as while moving, at full or reduced resolution."""
    view.redraw.reduce_when_moving = reduced
    seen = []

    def drawn():  # read back at once: the settle into full quality may follow soon after
        seen.append((view.redraw.moving, view.redraw.reduction.factor > 1, on_screen(view)))

    view.redraw.drawn.connect(drawn)
    view.redraw.request(moving=True)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    view.redraw.drawn.disconnect(drawn)
    moving, was_reduced, pixels = seen[0]
    assert moving and was_reduced == reduced
    return pixels[::-1].astype(int)  # top row first


def _sharpness(pixels: np.ndarray) -> float:
    return float(np.abs(np.diff(pixels, axis=1)).sum())


def test_a_moving_scene_is_drawn_reduced_and_the_words_over_it_stay_sharp(window, qtbot):
    from viewer.app.redraw import REDUCTION

    view = window.view
    view.redraw._tune = lambda ms: None  # this test chooses the resolution itself
    full = _moving_frame(view, qtbot, reduced=False)
    reduced = _moving_frame(view, qtbot, reduced=True)
    h, w, _ = full.shape
    title = (slice(0, int(0.07 * h)), slice(0, int(0.3 * w)))  # "Lying leg raise", over the backdrop
    body = (slice(int(0.35 * h), int(0.8 * h)), slice(int(0.1 * w), int(0.9 * w)))
    assert _sharpness(full[title]) > 1e4  # the title is there
    assert np.abs(reduced[title] - full[title]).max() <= 6  # the backdrop under it is stretched: a level or two
    assert _sharpness(reduced[title]) == pytest.approx(_sharpness(full[title]), rel=0.03)
    # the body itself is drawn with a quarter of the pixels: softer edges
    assert _sharpness(reduced[body]) < 0.95 * _sharpness(full[body])
    changed = (np.abs(reduced[body] - full[body]).max(axis=-1) > 10).mean()
    assert changed > 0.005, changed  # edges of the body: softer by more than a shade
    assert REDUCTION > 1


def test_the_picture_settles_to_the_full_quality_render_after_a_reduced_motion(window, qtbot):
    view = window.view
    view.redraw._tune = lambda ms: None
    _moving_frame(view, qtbot, reduced=True)
    qtbot.waitUntil(lambda: not view.redraw.moving, timeout=3000)
    qtbot.waitUntil(lambda: view.scene.quality == "full" and view.redraw.reduction.factor == 1, timeout=3000)
    qtbot.wait(50)
    still = on_screen(view)
    again = view.pixels()[::-1]
    assert np.array_equal(still, again)


def test_a_slow_moving_render_switches_to_the_reduced_resolution_and_a_fast_one_back(window):
    from viewer.app.redraw import REDUCE_ABOVE_MS

    redraw = window.view.redraw
    redraw.moving, redraw.reduce_when_moving = True, False
    redraw._apply_quality()
    redraw._tune(0.5 * REDUCE_ABOVE_MS)  # a GPU: full resolution stays
    assert redraw.reduction.factor == 1
    redraw._tune(3 * REDUCE_ABOVE_MS)  # software OpenGL at full size: too slow
    assert redraw.reduce_when_moving and redraw.reduction.factor > 1
    redraw._tune(0.5 * REDUCE_ABOVE_MS)  # reduced, it fits, but full size would not: stay reduced
    assert redraw.reduction.factor > 1
    redraw._tune(0.05 * REDUCE_ABOVE_MS)  # so fast that full size fits again
    assert redraw.reduction.factor == 1
    redraw.finish()


def test_labels_follow_the_body_while_the_camera_turns_paused(window, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from viewer.render.labels import _path_middle

    window.seek(1.25)
    view = window.view
    labels = view.overlays.labels
    qtbot.waitUntil(lambda: bool(labels.shown), timeout=5000)

    def drawn_at() -> np.ndarray:
        """Where each labelled muscle is drawn now (display pixels)."""
        frames, (i, _, _) = window.session.frames, view.shown
        return np.array([view.stage.display_point(_path_middle(frames, i, m)) for m in labels.shown], float)

    def anchor_error() -> float:
        """Pixels between the leaders' ends and where their muscles are drawn now (the worst)."""
        return float(np.hypot(*(np.asarray(labels.anchors[:len(labels.shown)]) - drawn_at()).T).max())

    assert anchor_error() < 2
    before = drawn_at()
    widget = view.widget
    start = QPoint(widget.width() // 3, widget.height() // 2)
    QTest.mousePress(widget, Qt.LeftButton, Qt.NoModifier, start)
    for k in range(1, 9):  # ~40° about the vertical
        QTest.mouseMove(widget, start + QPoint(25 * k, 0))
        qtbot.wait(30)
    QTest.mouseRelease(widget, Qt.LeftButton, Qt.NoModifier, start + QPoint(200, 0))
    qtbot.waitUntil(lambda: not view.redraw.moving, timeout=3000)
    assert np.hypot(*(drawn_at() - before).T).max() > 10  # the muscles moved on screen
    assert anchor_error() < 2  # and each leader still ends on its muscle
