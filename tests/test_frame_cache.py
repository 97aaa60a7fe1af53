"""Playback from memory: each frame of the loop is drawn once, then shown from the store.

What a user would check: a stored frame is the very picture the live view draws for that frame;
anything that changes the look (turning the camera, hiding muscles, resizing) goes back to live
drawing with an empty store; a paused frame is the full-quality render; memory stays in budget.
Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os

import numpy as np
import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def as_array(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB888)
    w, h, row = image.width(), image.height(), image.bytesPerLine()
    return np.frombuffer(image.constBits(), np.uint8).reshape(h, row)[:, :3 * w].reshape(h, w, 3).copy()


def play_until_stored(window, qtbot, count: int, while_playing: bool = False) -> None:
    """Play once `count` frames are stored: left still, the view stores the frames ahead of the
    playhead (quick); while_playing: store them during playback (a frame is seen again a cycle later)."""
    view = window.view
    if while_playing:
        window.toggle_play()
    qtbot.waitUntil(lambda: len(view.store.cache) >= count, timeout=60000)
    if not while_playing:
        window.toggle_play()
    qtbot.waitUntil(lambda: view.store.picture.isVisible() and view.store.picture.frame is not None, timeout=60000)


def test_the_store_keeps_pictures_exactly_and_within_its_budget(qapp):
    from viewer.app.frame_cache import PACKED_SHARE, FrameCache

    rng = np.random.default_rng(1)
    rows = np.linspace(0, 200, 61).astype(np.uint8)[:, None, None]
    picture = np.broadcast_to(rows, (61, 97, 3)).copy()  # a background gradient: packs small
    picture[20:30, 40:60] = rng.integers(0, 255, (10, 20, 3))  # and a body of detail
    cache = FrameCache(budget_bytes=int(4 * picture.nbytes * PACKED_SHARE))
    cache.use("look")
    for k in range(6):
        cache.put((k, 1), picture)
    assert len(cache) == 4  # room for four once packed: the rest are drawn live
    cache.settle()
    assert cache.nbytes <= cache.budget  # every picture is packed in the background
    assert cache.nbytes < 4 * picture.nbytes * PACKED_SHARE / 2
    for k in range(4):
        assert np.array_equal(as_array(cache.image((k, 1))), picture)  # packing loses nothing
    cache.use("another look")
    assert len(cache) == 0 and cache.image((0, 1)) is None
    cache.close()


def test_a_stored_frame_is_the_picture_the_live_view_draws(window, qtbot):
    view = window.view
    play_until_stored(window, qtbot, 6)
    window.toggle_play()
    frame = sorted(view.store.cache._frames)[3]
    stored = as_array(view.store.cache.image(frame))
    # Draw the same frame live, in the quality of a moving picture, and read what the paint drew.
    view.store.cache.enabled = False
    drawn = []
    view.redraw.drawn.connect(lambda: drawn.append((view.scene.quality, view.store.read_pixels().copy())))
    i, direction = frame
    t = float(window.session.frames.times[i])
    for _ in range(5):  # on a loaded machine the settle into full quality may come before the paint
        view.show_at(t, direction, 1.0)
        qtbot.waitUntil(lambda: bool(drawn), timeout=5000)
        if drawn[-1][0] == "fast":
            break
        drawn.clear()
    quality, live = drawn[-1]
    assert quality == "fast"
    assert stored.shape == live.shape == (*view.size[::-1], 3)
    assert np.abs(stored.astype(int) - live).mean() < 0.5  # the same pixels
    assert stored.std() > 10  # a real picture: bones and muscles on the background, not one colour


def test_playing_from_memory_shows_new_frames_without_rendering(window, qtbot):
    view = window.view
    play_until_stored(window, qtbot, 4)
    renders = []
    tag = view.plotter.ren_win.AddObserver("EndEvent", lambda *_: renders.append(1))
    shown = []
    view.frame_shown.connect(lambda: shown.append(view.shown[:2]))
    qtbot.wait(600)
    view.plotter.ren_win.RemoveObserver(tag)
    from_store = [f for f in shown if f in view.store.cache]
    assert len(set(from_store)) >= 3  # the picture moves on...
    assert len(renders) <= len(shown)  # ...and renders only fill frames the store lacks, one per update
    window.toggle_play()


def test_turning_hiding_or_resizing_goes_back_to_live_drawing(window, qtbot):
    from dataclasses import replace

    view = window.view
    for change in (lambda: window.state.set_camera(replace(view.exact_camera(), azimuth=view.camera.azimuth + 30)),
                   lambda: window.state.set_hidden(["hip flexors"]),
                   lambda: window.resize(window.width() - 120, window.height())):
        play_until_stored(window, qtbot, 3)
        before = view.store.cache.key
        change()
        qtbot.waitUntil(lambda: view.store.cache.key != before, timeout=3000)
        assert all(k[0] % 2 == 0 or k[0] == len(window.session.frames) - 1 for k in view.store.cache._frames)
        assert len(view.store.cache) <= 3  # emptied, and refilling for the new look
        window.toggle_play()
        qtbot.waitUntil(lambda: not view.store.picture.isVisible(), timeout=3000)


def test_a_paused_frame_is_the_full_quality_render_not_a_stored_picture(window, qtbot):
    view = window.view
    play_until_stored(window, qtbot, 3)
    window.toggle_play()
    assert not view.store.picture.isVisible()
    qtbot.waitUntil(lambda: view.scene.quality == "full" and view.plotter.renderer.GetUseFXAA(), timeout=3000)


def test_a_click_while_playing_from_memory_picks_the_muscle_in_the_picture(window, qtbot):
    """The scene beneath the picture may be posed at a frame being stored: a click must see the shown one."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from viewer.core.shape.tubes import resample

    view, frames = window.view, window.session.frames
    thigh = next(m for m in window.session.model.muscles if m.name == "recfem_r")
    play_until_stored(window, qtbot, 12, while_playing=True)
    qtbot.waitUntil(lambda: view.store.picture.isVisible(), timeout=5000)
    i = view.shown[0]

    def on_screen(muscle: int, samples: int) -> np.ndarray:
        adr, num = int(frames.wrap_adr[i][muscle]), int(frames.wrap_num[i][muscle])
        path = frames.wrap_xpos[i][adr:adr + num][frames.wrap_obj[i][adr:adr + num] != -2]
        points = resample(np.asarray(path, float)[None], samples)[0]
        return np.array([(x, view.widget.height() - y) for x, y in map(view.stage.display_point, points)], float)

    x, y = on_screen(thigh.index, 9)[4]
    QTest.mouseClick(view.widget, Qt.LeftButton, Qt.NoModifier, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: window.picked is not None, timeout=3000)
    # The muscle picked runs under the click in the frame on screen (a thigh muscle: legs overlap here).
    near = np.hypot(*(on_screen(window.picked, 40) - (x, y)).T).min()
    assert near < 20, (window.session.model.muscles[window.picked].label, near)
    window.toggle_play()


def test_a_still_view_stores_the_loop_beneath_a_picture_of_itself(window, qtbot):
    """Left alone, the view stores the loop's frames in the background: the patient still sees the
    same full-quality still, and the next play starts from memory."""
    view = window.view
    qtbot.waitUntil(lambda: view.store.filling and len(view.store.cache) >= 4, timeout=30000)
    assert not window.playhead.playing and view.store.picture.isVisible()
    still = as_array(view.store.picture.image)
    live = view.pixels()  # reaching into the view stops the fill and draws the still itself again
    assert not view.store.filling and not view.store.picture.isVisible()
    assert still.shape == live.shape and np.abs(still.astype(int) - live).mean() < 0.5
    assert len(view.store.cache) >= 4  # what was stored stays for the next play
