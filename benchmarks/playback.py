"""How smooth the real app window is: playback, picking, compare, editor preview, start, reload.

    xvfb-run -a -s "-screen 0 1920x1080x24" python benchmarks/playback.py [--seconds 5] [--skip-start]

Drives viewer.app.window.MainWindow at its default size on the default scenario, as a user
would (play, click a muscle, drag an editor slider, save the file in another editor) and
prints one `name=value` line per figure (DESIGN §8 and issue 14 give the goals):

  live_playback_fps   updates drawn on screen per second while playing, every frame rendered
  fill_while_playing_s  play pressed at once: time until the whole cycle is stored
  fill_while_still_s  the view left still: time until the whole cycle is stored (1.5 s idle first)
  cache_frames, cache_mb  frames in one cycle and the memory they take
  playback_fps        updates drawn on screen per second while playing, from stored frames
  frame_step_s        mean scenario time skipped between two drawn updates
  pick_ms             mouse click on a muscle → the info panel names it, on screen (median of several)
  compare_fps         updates per second of the side-by-side compare window while playing
  editor_preview_fps  updates drawn per second while an editor slider is dragged at 60 Hz
  start_s             process start → first frame (warm model cache; a fresh process)
  bare_start_s        the same for a bare Qt + VTK window (benchmarks/app_start.py)
  hot_reload_s        the scenario file changes on disk → the new version is drawn
  full_render_ms      one full-quality render of the same scene in the window (median)
  still_full_quality_s  playback stops → the full-quality picture is on screen
  orbit_playing_fps   a left-button drag turning the model at mouse rate (60 Hz, 5 s) while it plays:
                      pictures reaching the screen per second (the turn empties the store: live)
  orbit_paused_fps    the same drag while paused
  orbit_playing_deg, orbit_paused_deg  how far the camera actually turned during each drag
  orbit_full_quality_s  button released → the full-quality picture is on screen
  orbit_playing_{render,scene,overlays,other}_ms  where each picture's time goes while turning and
                      playing: the 3D render call, the scene update, the words, and the rest (Qt's
                      compositing of the window, the other panels, the event loop)

"Drawn" counts the pictures that reach the screen: renders made inside the widget's paint
(pyvistaqt's paintGL) and stored frames painted over the view, not renders beneath it. gl_renderer says which
OpenGL did the work (llvmpipe: software; anything else: a GPU).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MUJOCO_GL", "disable")

from benchmarks.app_start import start_times  # noqa: E402

SLIDER_HZ = 60  # how often a dragged mouse reports a new slider position
PICK_CLICKS = 5


def wait(seconds: float) -> None:
    """Run the Qt event loop for `seconds` of wall time (sleeping when idle, as the app does)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition, timeout: float) -> bool:
    """Run the event loop until condition() holds (checked every millisecond) or timeout seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    loop = QEventLoop()
    poll = QTimer(interval=1)
    poll.timeout.connect(lambda: condition() and loop.quit())
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    poll.start()
    loop.exec()
    poll.stop()
    return bool(condition())


class DrawCounter:
    """Counts the pictures of one View3D that reach the screen (renders inside the widget's paint,
    and stored playback frames painted over it), with what was shown at each."""

    def __init__(self, view, probe=lambda: None):
        self.view = view
        self.probe = probe
        self.stamps: list[float] = []
        self.shown: list = []
        self.all_renders = 0
        self._tag = view.plotter.ren_win.AddObserver("EndEvent", self._rendered)
        view.frame_shown.connect(self._shown)

    def _rendered(self, *_args) -> None:
        self.all_renders += 1

    def _shown(self) -> None:
        self.stamps.append(time.perf_counter())
        self.shown.append(self.probe())

    def reset(self) -> None:
        self.stamps.clear()
        self.shown.clear()
        self.all_renders = 0

    def rate(self) -> float:
        s = self.stamps
        return (len(s) - 1) / (s[-1] - s[0]) if len(s) > 1 else 0.0

    def close(self) -> None:
        self.view.plotter.ren_win.RemoveObserver(self._tag)
        self.view.frame_shown.disconnect(self._shown)


def scenario_steps(shown: list[tuple[float, int]], duration: float, loop: str) -> list[float]:
    """Scenario seconds between successive drawn (time, direction) pairs, unfolding the loop."""
    def unfold(t: float, direction: int) -> float:
        return 2 * duration - t if loop == "pingpong" and direction < 0 else t

    period = 2 * duration if loop == "pingpong" else duration
    out = []
    for (t0, d0), (t1, d1) in zip(shown, shown[1:]):
        step = unfold(t1, d1) - unfold(t0, d0)
        if loop in ("pingpong", "repeat") and period > 0:
            step %= period
        out.append(abs(step))
    return out


def play(window, seconds: float, probe=None) -> "DrawCounter":
    """Play for `seconds` of wall time; the counter holds each picture shown with its (time, direction)."""
    view = window.view
    counter = DrawCounter(view, probe or (lambda: (view.shown[2], view.shown[1])))
    window.toggle_play()
    wait(seconds)
    window.toggle_play()
    return counter


def playing_figures(window, counter) -> dict:
    steps = scenario_steps(counter.shown, window.playhead.duration, window.playhead.loop)
    return {"fps": counter.rate(), "step": statistics.mean(steps) if steps else float("nan"),
            "renders": counter.all_renders / max(len(counter.stamps), 1)}


def stored_all(view) -> bool:
    stored, cycle = view.store.stored()
    return cycle > 0 and stored >= cycle


def measure_playback(window, seconds: float, fill_limit: float = 150.0) -> dict:
    """Live playback (no stored frames); the time to store one cycle while playing, and while the
    view stands still (paused); then playback from memory."""
    view = window.view
    out = {}
    view.store.cache.enabled = False
    window.seek(0.0)
    counter = play(window, seconds)
    live = playing_figures(window, counter)
    counter.close()
    out.update(live_playback_fps=live["fps"], live_frame_step_s=live["step"])
    view.store.cache.enabled = True
    window.seek(0.0)
    start = time.perf_counter()
    window.toggle_play()
    wait_until(lambda: stored_all(view), fill_limit)
    out["fill_while_playing_s"] = time.perf_counter() - start
    window.toggle_play()
    view.store.cache.clear()  # the store keeps pictures of an unchanged look: empty it to time a fill
    view.render()
    window.seek(0.0)
    start = time.perf_counter()
    wait_until(lambda: stored_all(view), fill_limit)
    out["fill_while_still_s"] = time.perf_counter() - start
    stored, total = view.store.stored()
    out["cache_frames"] = f"{stored}/{total}"
    out["cache_mb"] = view.store.cache.nbytes / 2 ** 20
    counter = DrawCounter(view, lambda: (view.shown[2], view.shown[1]))
    window.toggle_play()
    wait(seconds)
    window.toggle_play()
    stopped = time.perf_counter()
    cached = playing_figures(window, counter)
    out.update(playback_fps=cached["fps"], frame_step_s=cached["step"], renders_per_drawn_update=cached["renders"])
    # How long after the motion stops the full-quality picture is on screen.
    scene = view.scene
    counter.probe = lambda: getattr(scene, "quality", "full") == "full" and view.plotter.renderer.GetUseFXAA()
    counter.reset()
    if wait_until(lambda: any(counter.shown), 3.0):
        out["still_full_quality_s"] = counter.stamps[counter.shown.index(True)] - stopped
    counter.close()
    return out


ORBIT_HZ = 60  # mouse move events per second of a drag
ORBIT_PX = 3  # pixels per move: ~0.6° a move at the default view width, ≥ 90° over 5 s


def camera_direction(view):
    import numpy as np

    cam = view.plotter.renderer.GetActiveCamera()
    d = np.subtract(cam.GetFocalPoint(), cam.GetPosition())
    return d / np.linalg.norm(d)


def drag(view, seconds: float) -> float:
    """Hold the left button on the view and move the mouse sideways at ORBIT_HZ for `seconds`,
    through Qt's own mouse events (what a user's drag sends); returns the degrees turned."""
    import numpy as np
    from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    widget = view.widget
    y = widget.height() / 2
    x0 = widget.width() * 0.3
    before = camera_direction(view)
    turned, last = 0.0, before

    def send(kind, x, buttons, button=Qt.NoButton):
        pos = QPointF(x, y)
        event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.NoModifier)
        QApplication.sendEvent(widget, event)

    send(QEvent.MouseButtonPress, x0, Qt.LeftButton, Qt.LeftButton)
    start = time.perf_counter()

    def step():
        nonlocal turned, last
        # Where the hand is now: a busy app sees fewer moves, each from further away (as Qt
        # compresses a real mouse's queued moves), never a slower hand.
        k = int((time.perf_counter() - start) * ORBIT_HZ)
        # back and forth over a band of the view, so the turn never runs off the widget
        span = int(widget.width() * 0.4 / ORBIT_PX)
        phase = k % (2 * span)
        x = x0 + ORBIT_PX * (phase if phase <= span else 2 * span - phase)
        send(QEvent.MouseMove, x, Qt.LeftButton)
        now = camera_direction(view)
        turned += float(np.degrees(np.arccos(np.clip(np.dot(now, last), -1, 1))))
        last = now

    timer = QTimer(interval=int(1000 / ORBIT_HZ))
    timer.setTimerType(Qt.PreciseTimer)
    timer.timeout.connect(step)
    timer.start()
    wait(seconds)
    timer.stop()
    send(QEvent.MouseButtonRelease, x0, Qt.NoButton, Qt.LeftButton)
    return turned


class Breakdown:
    """Wall time spent in the render call, the scene update and the overlays of one view."""

    def __init__(self, view):
        self.view = view
        self.spent = {"render": 0.0, "scene": 0.0, "overlays": 0.0}
        self._started = 0.0
        win = view.plotter.ren_win
        self._tags = [win.AddObserver("StartEvent", self._start), win.AddObserver("EndEvent", self._end)]
        for name, owner in (("scene", view.scene), ("overlays", view.overlays)):
            self._wrap(name, owner)

    def _start(self, *_args) -> None:
        self._started = time.perf_counter()

    def _end(self, *_args) -> None:
        self.spent["render"] += time.perf_counter() - self._started

    def _wrap(self, name, owner) -> None:
        update = owner.update

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return update(*args, **kwargs)
            finally:
                self.spent[name] += time.perf_counter() - start

        owner.update = timed  # an instance attribute: the class's method is untouched

    def close(self, pictures: int, wall: float) -> dict:
        for tag in self._tags:
            self.view.plotter.ren_win.RemoveObserver(tag)
        for owner in (self.view.scene, self.view.overlays):
            owner.__dict__.pop("update", None)
        n = max(pictures, 1)
        out = {k: 1e3 * v / n for k, v in self.spent.items()}
        out["other"] = 1e3 * wall / n - sum(out.values())
        return out


def measure_orbit(window, seconds: float) -> dict:
    """Turn the model with the mouse while it plays, then while paused; then release and time the
    full-quality picture."""
    view = window.view
    out = {}
    window.seek(0.0)
    wait(0.3)
    for name, playing in (("playing", True), ("paused", False)):
        if playing:
            window.toggle_play()
        counter = DrawCounter(view)
        breakdown = Breakdown(view) if playing else None
        began = time.perf_counter()
        turned = drag(view, seconds)
        released = time.perf_counter()
        out[f"orbit_{name}_fps"] = counter.rate()
        out[f"orbit_{name}_deg"] = turned
        if breakdown is not None:
            for part, ms in breakdown.close(len(counter.stamps), released - began).items():
                out[f"orbit_playing_{part}_ms"] = ms
        if playing:
            window.toggle_play()
        else:
            scene = view.scene
            counter.probe = lambda: getattr(scene, "quality", "full") == "full"
            counter.reset()
            if wait_until(lambda: any(counter.shown), 3.0):
                out["orbit_full_quality_s"] = counter.stamps[counter.shown.index(True)] - released
        counter.close()
        wait(0.5)
    return out


def full_render_ms(window, repeats: int = 5) -> float:
    """One full-quality render of what the window shows (the reference for fast quality)."""
    view = window.view
    scene = view.scene
    if hasattr(scene, "set_quality"):
        scene.set_quality("full")
    view.plotter.renderer.SetUseFXAA(True)
    spent = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        view.plotter.ren_win.Render()
        spent.append(time.perf_counter() - start)
    return 1e3 * statistics.median(spent[1:])  # the first may still compile shaders


def muscle_pixels(window, count: int) -> list[tuple[int, tuple[int, int]]]:
    """(muscle, Qt widget position) of the middle of the longest visible focus muscles."""
    import numpy as np

    from viewer.core.shape.tubes import resample

    session, view = window.session, window.view
    frames, i = session.frames, session.index_at(window.playhead.time)
    lengths = frames.lengths[i]
    focus = [m.index for g in session.scenario.focus for m in session.model.muscles_in(g)]
    widget = view.widget
    ratio = widget.devicePixelRatioF()
    out = []
    for m in sorted(focus, key=lambda m: -lengths[m]):
        adr, num = int(frames.wrap_adr[i][m]), int(frames.wrap_num[i][m])  # per muscle
        path = frames.wrap_xpos[i][adr:adr + num][frames.wrap_obj[i][adr:adr + num] != -2]
        if len(path) < 2:
            continue
        middle = resample(np.asarray(path, float)[None], 9)[0, 4]
        x, y = view.stage.display_point(middle)
        if 0 < x < widget.width() * ratio and 0 < y < widget.height() * ratio:
            out.append((m, (int(x / ratio), int(widget.height() - y / ratio))))
        if len(out) == count:
            break
    return out


def measure_pick(window) -> dict:
    """Click the middle of several muscles; time until the info panel names the muscle picked."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    spent, hits, on_target = [], 0, 0
    targets = muscle_pixels(window, PICK_CLICKS)
    for muscle, (x, y) in targets:
        window.pick(None)
        wait(0.05)
        counter = DrawCounter(window.view)  # the window's next screen update shows the panel and highlight
        start = time.perf_counter()
        QTest.mouseClick(window.view.widget, Qt.LeftButton, Qt.NoModifier, QPoint(x, y))
        named = wait_until(lambda: window.picked is not None and counter.stamps and
                           window.session.model.muscles[window.picked].label in window.muscles.info.text(), 3.0)
        spent.append((counter.stamps[0] if counter.stamps else time.perf_counter()) - start)
        counter.close()
        hits += bool(named)
        on_target += window.picked == muscle  # another muscle may lie in front of the target's middle
    window.pick(None)
    return {"pick_ms": 1e3 * statistics.median(spent) if spent else float("nan"),
            "pick_named": f"{hits}/{len(targets)}", "pick_on_target": f"{on_target}/{len(targets)}"}


def measure_compare(window, seconds: float) -> dict:
    from viewer.app.compare_window import open_comparison

    other = ROOT / "scenarios" / "leg_raise_pelvic_tilt.yaml"
    compare = open_comparison(window, str(other))
    try:
        wait(0.3)
        last = compare.views[-1]  # each update draws both panels, this one last
        compare.toggle_play()
        start = time.perf_counter()
        wait_until(lambda: all(stored_all(v) for v in compare.views), 150.0)
        fill = time.perf_counter() - start
        counter = DrawCounter(last)
        wait(seconds)
        compare.toggle_play()
        rate = counter.rate()
        counter.close()
    finally:
        compare.close()
        wait(0.2)
    return {"compare_fps": rate, "compare_cache_fill_s": fill}


def measure_editor(window, seconds: float) -> dict:
    """Drag the hip flexion slider back and forth at mouse rate; count the updates drawn."""
    from PySide6.QtCore import QTimer

    window.seek(1.0)
    window.set_editing(True)
    wait(0.3)
    slider = window.editor.panel.pose.rows["hip_flexion"].slider
    lo, hi = slider.minimum(), slider.maximum()
    span = int(SLIDER_HZ * 2)  # one sweep up and down every 2 s
    values = []
    for k in range(int(seconds * SLIDER_HZ) + 1):
        tri = 1.0 - abs(2.0 * (k % span) / span - 1.0)
        values.append(round(lo + (hi - lo) * (0.1 + 0.8 * tri)))
    counter = DrawCounter(window.view)
    slider.setSliderDown(True)
    feed = iter(values)
    timer = QTimer(interval=int(1000 / SLIDER_HZ))
    timer.timeout.connect(lambda: slider.setValue(next(feed, values[-1])))
    timer.start()
    wait(seconds)
    timer.stop()
    slider.setSliderDown(False)
    rate = counter.rate()
    counter.close()
    if window.editor.edit.dirty:
        window.editor.undo()
    window.set_editing(False)
    return {"editor_preview_fps": rate}


def measure_hot_reload(window, folder: Path) -> dict:
    """Save a changed copy of the scenario as another editor would; time until it is drawn."""
    path = folder / "leg_raise.yaml"
    shutil.copy(ROOT / "scenarios" / "leg_raise.yaml", path)
    window.open_path(str(path))
    wait(0.5)
    old = window.session
    counter = DrawCounter(window.view, lambda: window.session is not old)
    text = path.read_text(encoding="utf-8").replace("hip_flexion: 90,", "hip_flexion: 80,")
    start = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    drawn = wait_until(lambda: any(counter.shown), 5.0)
    spent = (counter.stamps[counter.shown.index(True)] if drawn else time.perf_counter()) - start
    counter.close()
    return {"hot_reload_s": spent if drawn else float("nan")}


def gl_renderer(view) -> str:
    info = view.plotter.ren_win.ReportCapabilities()
    for line in info.splitlines():
        if "renderer string" in line.lower():
            return line.split(":", 1)[1].strip()
    return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to play (compare and editor: 3 s)")
    parser.add_argument("--skip-start", action="store_true", help="leave out the start-up subprocesses")
    parser.add_argument("--only-orbit", action="store_true", help="measure only the mouse drag (orbit_*)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs a display: run under xvfb-run -a -s '-screen 0 1920x1080x24'")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from viewer.app.window import MainWindow
    from viewer.core.base.paths import DEFAULT_SCENARIO

    results: dict[str, object] = {}
    if not (args.skip_start or args.only_orbit):  # fresh processes first, before this one loads anything
        results["start_s"], results["bare_start_s"] = start_times()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.IniFormat)
        window = MainWindow(settings)
        window.show()
        window.restore(str(DEFAULT_SCENARIO))
        window.activateWindow()
        wait(1.0)
        w, h = window.view.size
        results["window"] = f"{window.width()}x{window.height()}"
        results["view"] = f"{w}x{h}"
        results["gl_renderer"] = gl_renderer(window.view)
        results["cpu_cores"] = os.cpu_count()
        if args.only_orbit:
            results.update(measure_orbit(window, args.seconds))
            return finish(results, window, app)
        results.update(measure_playback(window, args.seconds))
        results.update(measure_orbit(window, args.seconds))
        results["full_render_ms"] = full_render_ms(window)
        window.seek(1.25)
        wait(0.3)
        results.update(measure_pick(window))
        results.update(measure_compare(window, min(args.seconds, 3.0)))
        results.update(measure_editor(window, min(args.seconds, 3.0)))
        results.update(measure_hot_reload(window, Path(folder)))
        return finish(results, window, app)


def finish(results: dict, window, app) -> int:
    for name, value in results.items():
        print(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}", flush=True)
    window.close()
    app.processEvents()
    os._exit(0)  # skip interpreter teardown: PySide and VTK can crash while collecting each other


if __name__ == "__main__":
    sys.exit(main())
