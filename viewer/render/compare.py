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

from viewer.core.base.errors import ViewerError
from viewer.core.view.playback import SYNC_MODES, sync_times

from .export import ExportOptions, check_video_options, open_stage, make_plotter, write_video

LEGEND_BAND = 56  # pixels at a 720-pixel-high video
DIVIDER = (0.55, 0.58, 0.62)  # the line between the panels


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
    """Two panels and their shared legend; `render` composes video frames (bottom-up RGB).

    feeds: the two scenarios' FrameFeeds, already on one colour scale (core's share_scale).
    panel_options: per panel, options that override the shared ones (the compare window's cameras).
    """

    def __init__(self, feeds, options: ExportOptions, sync: str = "hold", panel_options=(None, None)):
        if sync not in SYNC_MODES:
            raise ViewerError(f"unknown sync '{sync}'; use {', '.join(SYNC_MODES)}")
        self.feeds = feeds
        self.options = options
        self.clock, self.tracks = sync_times([f.scenario.duration for f in feeds], options.fps, options.speed, sync)
        left, right, band = panel_sizes(options.size)
        self.band = legend_band(feeds[0].colouring, (options.size[0], band)) if band else None
        panel = replace(options, legend=False)
        self.stages = [open_stage(feed, replace(own or panel, size=s, legend=False))
                       for feed, own, s in zip(feeds, panel_options, (left, right))]

    def __len__(self) -> int:
        return self.clock.size

    def render(self, start: int, stop: int):
        """Yield composed frames start…stop-1, sampling each scenario once for the chunk."""
        chunk = slice(start, stop)
        batches = []
        for feed, stage, (times, direction) in zip(self.feeds, self.stages, self.tracks):
            batch = feed.batch(times[chunk], direction[chunk])
            batches.append((batch, stage.scene.paint(batch.rgb, batch.strength)))
        for i in range(stop - start):
            panels = []
            for stage, (batch, colours) in zip(self.stages, batches):
                stage.show(batch.frames, i, colours[i], scenario_time=float(batch.times[i]))
                panels.append(stage.pixels())
            yield self._compose(panels)

    def frames(self, batch: int = 24):
        """(done, total, frame) for the whole comparison, for write_video."""
        total = len(self)
        done = 0
        for start in range(0, total, batch):
            for image in self.render(start, min(start + batch, total)):
                done += 1
                yield done, total, image

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


def export_comparison(feeds, path: str | Path, options: ExportOptions = ExportOptions(size=(1600, 720)),
                      sync: str = "hold", progress: Callable[[int, int], None] | None = None,
                      cancel: Callable[[], bool] | None = None, panel_options=(None, None)) -> int:
    """Write an MP4 or GIF of two scenarios side by side; returns the number of frames written.

    feeds: one FrameFeed per scenario, on one colour scale (viewer.core.analysis.colour.share_scale).
    """
    if len(feeds) != 2:
        raise ViewerError("a comparison needs exactly two scenarios")
    check_video_options(path, options)
    if options.size[1] < 200 or options.size[0] < 320:
        raise ViewerError(f"bad size {options.size[0]}x{options.size[1]}: a side-by-side video needs at least 320x200")
    view = SideBySide(feeds, options, sync, panel_options)
    try:
        return write_video(path, options, view.frames(), progress, cancel)
    finally:
        view.close()
