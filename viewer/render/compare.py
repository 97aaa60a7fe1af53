"""Two scenarios side by side in one video: two labelled panels, one shared legend, one clock.

Each panel is an ordinary export Stage (title, phase, caption and measuring lines, no legend);
the legend is drawn once in a band under both panels. Both scenarios use one colour scale, so
the same colour means the same speed of length change on both sides.

Different durations (DESIGN decision for comparisons): by default each scenario plays at its
own speed and the shorter one holds its last pose (plain colours: nothing changes length) until
the longer one ends ("hold"); "stretch" slows the shorter one down to last as long as the longer.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.core.errors import ViewerError
from viewer.core.files import atomic_write

from .export import (BATCH, ExportCancelled, ExportOptions, Stage, _abandon, _encoder, check_video_options,
                     make_plotter, playback)

SYNC_MODES = ("hold", "stretch")
LEGEND_BAND = 56  # pixels at a 720-pixel-high video
DIVIDER = (0.55, 0.58, 0.62)  # the line between the panels


def share_scale(colourings: list) -> list:
    """The colourings rebuilt with one limit, the larger of their own, so a colour means the same on both sides.

    (Built from the given ones' own class: render never builds colourings itself, it has no MuJoCo.)
    """
    if colourings[0].source.values is None:
        return list(colourings)
    limit = max(c.limit for c in colourings)
    return [type(c)(c.kin, c.key, limit=limit, neutral=c.neutral) for c in colourings]


def sync_times(durations: list[float], options: ExportOptions, sync: str = "hold"):
    """Scenario times and play directions per scenario for one shared clock.

    Returns (clock, [(times, direction), ...]): clock runs over the longest scenario; direction
    0 marks frames where a scenario holds its end (no length changes, so no rate colour).
    """
    if sync not in SYNC_MODES:
        raise ViewerError(f"unknown sync '{sync}'; use {', '.join(SYNC_MODES)}")
    longest = max(durations)
    clock, _ = playback(longest, replace(options, loops=1), "none")
    return clock, [panel_time(clock, d, longest, sync) for d in durations]


def panel_time(clock, duration: float, longest: float, sync: str = "hold"):
    """(scenario time, direction) of a scenario lasting `duration` when the shared clock reads `clock`.

    Works on numbers and arrays alike (the app maps its one playhead with it, the export whole batches).
    """
    clock = np.asarray(clock, float)
    if sync == "stretch" and longest > 0:
        return clock * duration / longest, np.ones_like(clock)
    return np.minimum(clock, duration), np.where(clock <= duration + 1e-9, 1.0, 0.0)


def panel_sizes(size: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int], int]:
    """(left panel size, right panel size, legend band height) for a video of `size`."""
    w, h = size
    band = int(round(LEGEND_BAND * h / 720.0))
    return (w // 2, h - band), (w - w // 2, h - band), band


def legend_band(colouring, size: tuple[int, int]) -> np.ndarray:
    """The shared legend, one row of swatches and the effort note: RGB rows bottom-up (h, w, 3)."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkRenderingCore import vtkTextActor

    from .export import BACKGROUND
    from .overlays import DIM_TEXT, TEXT, _swatches

    w, h = size
    unit = h / LEGEND_BAND
    plotter = make_plotter(size, "none")
    plotter.set_background(BACKGROUND[0])
    entries = colouring.legend
    step = w / max(len(entries) + 1, 2)
    quads = []
    y = h - 22 * unit
    swatch = 14 * unit
    for k, entry in enumerate(entries):
        x = 16 * unit + k * step
        quads.append(((x, y), swatch, entry.rgb))
        plotter.renderer.AddViewProp(_text(vtkTextActor(), entry.text, 15 * unit, (x + swatch + 8 * unit, y), TEXT))
    plotter.renderer.AddViewProp(_swatches(quads, w, h))
    note = "  ".join(t for t in (colouring.note, colouring.scale_text) if t)
    if note:
        plotter.renderer.AddViewProp(_text(vtkTextActor(), note, 13 * unit, (16 * unit, 6 * unit), DIM_TEXT))
    try:
        win = plotter.ren_win
        win.Render()
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

        buffer = vtkUnsignedCharArray()
        win.GetPixelData(0, 0, w - 1, h - 1, 0, buffer, 0)
        return vtk_to_numpy(buffer).reshape(h, w, 3).copy()
    finally:
        plotter.close()


def _text(actor, content: str, size: float, at, colour):
    actor.SetInput(content)
    prop = actor.GetTextProperty()
    prop.SetFontSize(max(8, int(round(size))))
    prop.SetColor(*colour)
    prop.SetVerticalJustificationToBottom()
    actor.SetPosition(*at)
    return actor


class SideBySide:
    """Two panels and their shared legend; `frame(k)` composes one video frame (bottom-up RGB)."""

    def __init__(self, kins, colourings, options: ExportOptions, sync: str = "hold"):
        self.kins = kins
        self.options = options
        self.colourings = share_scale(colourings)
        self.clock, self.tracks = sync_times([k.scenario.duration for k in kins], options, sync)
        left, right, band = panel_sizes(options.size)
        self.band = legend_band(self.colourings[0], (options.size[0], band)) if band else None
        panel = replace(options, legend=False)
        self.stages = [Stage(kin, c, replace(panel, size=s)) for kin, c, s in zip(kins, self.colourings, (left, right))]

    def __len__(self) -> int:
        return self.clock.size

    def render(self, start: int, stop: int):
        """Yield composed frames start…stop-1, sampling each scenario once for the chunk."""
        chunk = slice(start, stop)
        batches = []
        for kin, colouring, stage, (times, direction) in zip(self.kins, self.colourings, self.stages, self.tracks):
            frames = kin.sample(times[chunk])
            batches.append((frames, stage.scene.paint(*colouring.paint(frames, direction[chunk]))))
        for i in range(stop - start):
            panels = []
            for stage, (frames, colours) in zip(self.stages, batches):
                stage.show(frames, i, colours[i])
                panels.append(stage.pixels())
            yield self._compose(panels)

    def _compose(self, panels: list[np.ndarray]) -> np.ndarray:
        image = np.hstack(panels)
        x = panels[0].shape[1]
        image[:, max(0, x - 1):x + 1] = (np.array(DIVIDER) * 255).astype(np.uint8)
        if self.band is not None:
            image = np.vstack([self.band, image])  # rows are bottom-up: the band goes under the panels
        return image

    def close(self) -> None:
        for stage in self.stages:
            stage.close()


def export_comparison(kins, colourings, path: str | Path, options: ExportOptions = ExportOptions(size=(1600, 720)),
                      sync: str = "hold", progress: Callable[[int, int], None] | None = None,
                      cancel: Callable[[], bool] | None = None) -> int:
    """Write an MP4 or GIF of two scenarios side by side; returns the number of frames written.

    colourings: one per scenario (same source); they are put on one shared scale here.
    """
    if len(kins) != 2 or len(colourings) != 2:
        raise ViewerError("a comparison needs exactly two scenarios")
    check_video_options(path, options)
    if options.size[1] < 200 or options.size[0] < 320:
        raise ViewerError(f"bad size {options.size[0]}x{options.size[1]}: a side-by-side video needs at least 320x200")
    view = SideBySide(kins, colourings, options, sync)
    total = len(view)

    def write(tmp: str) -> None:
        writer = _encoder(tmp, options)
        try:
            done = 0
            for start in range(0, total, BATCH):
                for image in view.render(start, min(start + BATCH, total)):
                    writer.send(np.ascontiguousarray(image))
                    done += 1
                    if progress:
                        progress(done, total)
                    if cancel and cancel():
                        raise ExportCancelled()
        except BaseException:
            _abandon(writer)
            raise
        writer.close()

    try:
        atomic_write(path, write)
    finally:
        view.close()
    return total
