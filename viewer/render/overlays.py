"""Words on the picture: title, phase and caption, time and joint angle, the colour legend in
plain words, and the scenario's measuring lines with their live distance.

All actors are made once; a frame only changes their text and two line end points.
Sizes scale with the window height so a GIF and a 4K video read the same.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import (vtkActor2D, vtkBillboardTextActor3D, vtkCoordinate,
                                         vtkPolyDataMapper2D, vtkTextActor)

from .camera import ScreenArea
from .lab_overlays import legend_entries
from .layers import front_layer, text_layer
from .text import TextActor, TextStyle, block_height, line_width, shorten, wrap

TEXT = (0.96, 0.96, 0.96)
DIM_TEXT = (0.80, 0.82, 0.85)
PANEL = (0.08, 0.09, 0.11)
PANEL_OPACITY = 0.72
MEASURE_COLOUR = (1.0, 0.86, 0.35)  # a yellow that differs from both warm and cool muscles
CAPTION_LINES = 4  # a caption longer than this at full size is set smaller: it must leave room for the body
CAPTION_SIZES = (18, 16, 14)  # design pixels, tried in turn; at the last a long caption takes more lines
MAX_CAPTION_LINES = 12  # never cut in practice: a caption is never shortened with …
MAX_TEXT_SHARE = 0.6  # of the height, at most, kept clear of the body for text
CLOCK_WIDTH = 220.0  # design pixels kept free for the clock and angle, top right
BASE_HEIGHT = 720.0  # sizes below are pixels at this window height
CAPTION_WIDTH = 0.60  # share of the window width for the caption; the legend takes the rest
# text, dim text, panel, panel opacity, measuring colour, halo: "dark" is for stills on light slides
TEXT_STYLES = {"light": (TEXT, DIM_TEXT, PANEL, PANEL_OPACITY, MEASURE_COLOUR, False),
               "dark": ((0.07, 0.08, 0.10), (0.18, 0.20, 0.23), (0.98, 0.98, 0.97), 0.80, (0.50, 0.30, 0.0), True)}
WINDOW_TEXT_SCALE = (0.85, 1.1)  # in a window text keeps a readable size whatever its height


def text_unit(height: int, window: bool = True) -> float:
    """Pixels per design pixel: text scales with an export's height; a window keeps it readable."""
    unit = height / BASE_HEIGHT
    return min(max(unit, WINDOW_TEXT_SCALE[0]), WINDOW_TEXT_SCALE[1]) if window else unit


class Overlays:
    def __init__(self, plotter: pv.Plotter, kin, colouring, size: tuple[int, int], text: bool = True,
                 unit: float | None = None, legend: bool = True, hidden: np.ndarray | None = None,
                 text_style: str = "light", labels_at: tuple | None = None):
        """kin: the scenario's FrameFeed. text=False draws nothing: no words and no measuring lines
        (clean pixels for tests).

        legend=False leaves the colour legend out (side-by-side panels share one) and lets the
        caption use the full width. hidden (bool per muscle) leaves hidden groups out of the legend.
        labels_at: (scale, (bottom, top) pixels) for the labels beside the body where other text
        (presenter mode's bands) covers the window's edges, larger than the rest by `scale`.
        """
        self.plotter = plotter
        self.kin = kin
        self.scenario = kin.scenario
        self.width, self.height = size
        # pixels per design pixel: scales with the frame for exports; a window passes its own
        self.unit = unit if unit is not None else self.height / BASE_HEIGHT
        self.text = text
        self._style = TEXT_STYLES[text_style]
        self._caption_share = CAPTION_WIDTH if legend else 0.98
        self._hidden = hidden
        self._actors2d: list = []
        renderer = text_layer(plotter)  # words stay sharp while the scene is drawn reduced
        m = 16 * self.unit
        self.top_px = self.bottom_px = 0.0  # window bands the text covers: keep the model out of them
        self._words: list = []  # pixel boxes (x0, y0, x1, y1) of the words in those bands
        if text:
            self._line_width = self.width - 2 * m - CLOCK_WIDTH * self.unit  # the clock sits top right
            title = shorten(self.scenario.title, self._line_width, self._px(28), bold=True)
            self.title = self._text(title, 28, (m, self.height - m), "left", "top", bold=True)
            self.phase = self._text("", 20, (m, self.height - m - 40 * self.unit), "left", "top", colour=DIM_TEXT)
            self.clock = self._text("", 20, (self.width - m, self.height - m), "right", "top", plain=True)
            captions = [kin.caption(p) for p in self.scenario.phases if p.caption] + [self.scenario.summary]
            self._caption_size = CAPTION_SIZES[-1]
            for design in CAPTION_SIZES:  # the largest size at which every caption fits CAPTION_LINES
                self._caption_size = design
                if max(len(self._wrap_caption(c)) for c in captions) <= CAPTION_LINES:
                    break
            self.caption = self._text("", self._caption_size, (m, m), "left", "bottom", panel=True)
            legend_top = self._legend(colouring, m) if legend else m
            for actor in self._actors2d:
                renderer.AddViewProp(actor)
            lines = max(len(self._wrap_caption(c)) for c in captions)
            self.top_px = m + 70 * self.unit
            caption = TextStyle(self._px(self._caption_size), panel=(PANEL, PANEL_OPACITY), shadow=False)
            caption_top = m + block_height(lines, caption) + 6 * self.unit
            self.bottom_px = max(legend_top, caption_top)
            self._words = self._word_boxes(m, captions, caption_top, legend_top if legend else None)
        count = len(self.scenario.measure) if text else 0
        self._measures = [_MeasureLine(plotter, kin, i, self.unit, self._style) for i in range(count)]
        self._last_phase = None
        self.labels = None  # the top movers and the measures' labels, beside the body (labels.py)
        if text:
            from .labels import MuscleLabels

            for line in self._measures:
                line.text.SetVisibility(False)
            scale, free = labels_at if labels_at is not None else (1.0, (self.bottom_px, self.top_px))
            self.labels = MuscleLabels(plotter, kin, size, self.unit * scale, extra=count, free=tuple(free),
                                       colours=[None] * 3 + [MEASURE_COLOUR] * count, hidden=hidden)

    # --- building ---------------------------------------------------------------------------
    def _text(self, content: str, size: float, at, horizontal: str, vertical: str, bold: bool = False,
              colour=TEXT, panel: bool = False, plain: bool = False):
        """A text actor for any script (shaped, right-to-left aware); plain=True: VTK's own
        faster text, for the clock's digits that change every frame."""
        text, dim, panel_colour, panel_opacity, _, halo = self._style
        colour = {TEXT: text, DIM_TEXT: dim}.get(colour, colour)  # the words' style: light, or dark on a slide
        if not plain:
            # Dark words get a light haze behind them, so they read on any slide and over the body.
            box = (panel_colour, panel_opacity) if panel else ((panel_colour, 0.65) if halo else None)
            style = TextStyle(self._px(size), rgb=colour, bold=bold, shadow=not panel and not halo, panel=box)
            actor = TextActor(style, at, horizontal, vertical)
            actor.SetInput(content)
            self._actors2d.append(actor)
            return actor
        actor = vtkTextActor()
        actor.SetInput(content)
        prop = actor.GetTextProperty()
        prop.SetFontSize(self._px(size))
        prop.SetColor(*colour)
        prop.SetBold(bold)
        prop.SetShadow(not panel and not halo)
        if halo and not panel:  # dark words on a light haze read on any slide and over the body
            prop.SetBackgroundColor(*panel_colour)
            prop.SetBackgroundOpacity(0.65)
        prop.SetShadowOffset(1, -1)
        prop.SetLineSpacing(1.15)
        {"left": prop.SetJustificationToLeft, "right": prop.SetJustificationToRight,
         "centre": prop.SetJustificationToCentered}[horizontal]()
        {"top": prop.SetVerticalJustificationToTop, "bottom": prop.SetVerticalJustificationToBottom}[vertical]()
        if panel:
            prop.SetBackgroundColor(*panel_colour)
            prop.SetBackgroundOpacity(panel_opacity)
            prop.SetFrame(False)
        actor.SetPosition(*at)  # display pixels
        self._actors2d.append(actor)
        return actor

    def _px(self, size: float) -> int:
        return max(8, int(round(size * self.unit)))

    def _wrap_caption(self, text: str) -> list[str]:
        """The caption in lines across its share of the width at the chosen size, any script, whole."""
        return wrap(text or "", (self._caption_share - 0.04) * self.width, self._px(self._caption_size),
                    MAX_CAPTION_LINES)

    def _word_boxes(self, m: float, captions: list, caption_top: float, legend_top: float | None) -> list:
        """Pixel boxes (x0, y0 from the bottom, x1, y1) round the words in the bands, as wide as
        their longest line in any phase: title and phase top left, clock top right, caption
        bottom left, legend bottom right."""
        phases = self.scenario.phases
        heading = [line_width(self.title.GetInput(), self._px(28), bold=True)] + [
            line_width(shorten(f"Phase {k + 1} of {len(phases)}: {p.name}", self._line_width, self._px(20)),
                       self._px(20)) for k, p in enumerate(phases)]
        pad = max(2, self._px(self._caption_size) // 4)
        caption = max((line_width(line, self._px(self._caption_size))
                       for c in captions for line in self._wrap_caption(c)), default=0.0) + 2 * pad
        W, H = self.width, self.height
        boxes = [(0.0, H - self.top_px, m + max(heading), H),
                 (W - m - CLOCK_WIDTH * self.unit, H - self.top_px, W, H),
                 (0.0, 0.0, m + caption, caption_top)]
        if legend_top is not None:
            boxes.append((W * (CAPTION_WIDTH + 0.03), 0.0, W, legend_top))
        return boxes

    def _legend(self, colouring, m: float) -> float:
        """Swatches with plain-words lines, bottom right; the numbers and the effort note below."""
        u = self.unit
        x0 = self.width * (CAPTION_WIDTH + 0.03)
        share = 1.0 - CAPTION_WIDTH - 0.03 - m / self.width
        small = 15
        scale = colouring.scale_text_for(self._hidden)
        notes = wrap(scale, share * self.width, self._px(small), 2) if scale else []
        if colouring.note:
            notes += wrap(colouring.note, share * self.width, self._px(small), 5)
        y = m
        if notes:
            self.legend_note = self._text("\n".join(notes), small, (x0, y), "left", "bottom", colour=DIM_TEXT)
            y += self.legend_note.size_px[1] + 6 * u  # its real height: fonts differ in line height
        swatch = 16 * u
        quads = []
        entries = [(e.rgb, e.text) for e in colouring.legend_for(self._hidden)]
        entries += legend_entries(getattr(self.kin, "recordings", None))  # a lab's arrows and markers
        for rgb, words in reversed(entries):
            self._text(words, 17, (x0 + swatch + 10 * u, y), "left", "bottom")
            quads.append(((x0, y + 2 * u), swatch, rgb))
            y += 26 * u
        self._actors2d.append(_swatches(quads, self.width, self.height))
        return y  # top of the legend, pixels from the bottom

    # --- per frame ----------------------------------------------------------------------------
    def update(self, frames, i: int, scenario_time: float | None = None) -> None:
        values = self.kin.values(frames)  # measured in core: the words and distances drawn here
        t = values.time(i, scenario_time)
        for line, distance in zip(self._measures, values.distances(i)):
            line.update(distance)
        if not self.text:
            return
        self.labels.update(frames, i, values.movers(i, t, self.labels.count),
                           [(line.text.GetInput(), np.mean(line.line.points, axis=0)) for line in self._measures])
        phase = self.scenario.phase_at(t)
        self.clock.SetInput(values.clock(i, t))
        if phase is not self._last_phase:
            self._last_phase = phase
            phases = self.scenario.phases
            self.phase.SetInput(shorten(f"Phase {phases.index(phase) + 1} of {len(phases)}: {phase.name}",
                                        self._line_width, self._px(20)) if phase else "")
            caption = self.kin.caption(phase) if phase and phase.caption else self.scenario.summary
            lines = self._wrap_caption(caption)
            self.caption.SetInput("\n".join(lines))
            self.caption.SetVisibility(bool(lines))


    def set_hidden(self, hidden: np.ndarray | None) -> None:
        """The muscles hidden now (bool per muscle): the labels beside the body name only drawn ones."""
        self._hidden = hidden
        if self.labels is not None:
            self.labels.set_hidden(hidden)

    def label_props(self) -> list:
        """The 2-D props of the labels beside the body (presenter mode keeps them)."""
        return [] if self.labels is None else self.labels.texts + [self.labels.leader]

    def free_area(self, gap: float = 8.0) -> ScreenArea:
        """The part of the window the text leaves for the body, for the camera fit."""
        top, bottom = self.top_px + gap, self.bottom_px + gap
        words = self._words
        if top + bottom > MAX_TEXT_SHARE * self.height:  # a tiny frame: text overlaps the body, the body stays
            shrink = MAX_TEXT_SHARE * self.height / (top + bottom)
            top, bottom, words = top * shrink, bottom * shrink, []
        W, H = self.width, self.height
        # the words' boxes, a gap wider, in normalised device coordinates: the fit may pass a band
        # beside them (render/framing.py)
        boxes = tuple((2 * (x0 - gap) / W - 1, 2 * (y0 - gap) / H - 1, 2 * (x1 + gap) / W - 1, 2 * (y1 + gap) / H - 1)
                      for x0, y0, x1, y1 in words)
        return ScreenArea(bottom=-1 + 2 * bottom / H, top=1 - 2 * top / H, words=boxes)

    def remove(self) -> None:
        """Take every overlay actor out of the plotter (the app rebuilds them on resize)."""
        for actor in self._actors2d:
            text_layer(self.plotter).RemoveViewProp(actor)
        for line in self._measures:
            line.remove()
        if self.labels is not None:
            self.labels.remove()


class _MeasureLine:
    """A line between two landmarks and a label with the live distance ('Ribs to pubis 31.2 cm')."""

    def __init__(self, plotter: pv.Plotter, kin, index: int, unit: float, style=TEXT_STYLES["light"]):
        layer = front_layer(plotter)  # the landmarks sit inside the body: draw the line over it
        self.line = pv.Line((0, 0, 0), (0, 0, 1e-3))
        line = pv.Actor(mapper=pv.DataSetMapper(self.line))
        line.mapper.ScalarVisibilityOff()  # pv.Line carries a 'Distance' array: not a colour
        colour, panel = style[4], style[2]
        line.prop.color, line.prop.line_width, line.prop.lighting = colour, max(1, int(2 * unit)), False
        line.prop.opacity = 0.8  # the muscle it measures lies right under it
        self.dots = pv.PolyData(np.zeros((2, 3)))
        dots = pv.Actor(mapper=pv.DataSetMapper(self.dots))
        dots.mapper.ScalarVisibilityOff()
        dots.prop.color, dots.prop.point_size, dots.prop.lighting = colour, max(6, int(10 * unit)), False
        dots.prop.render_points_as_spheres = True
        self.layer = layer
        layer.AddActor(line)
        layer.AddActor(dots)
        self.text = vtkBillboardTextActor3D()
        prop = self.text.GetTextProperty()
        prop.SetFontSize(max(8, int(round(17 * unit))))
        prop.SetColor(*colour)
        prop.SetBold(True)
        prop.SetBackgroundColor(*panel)
        prop.SetBackgroundOpacity(0.6 if panel == PANEL else 0.8)
        prop.SetJustificationToCentered()
        self.text.SetDisplayOffset(0, int(22 * unit))
        layer.AddActor(self.text)
        self.props = (line, dots, self.text)

    def remove(self) -> None:
        for prop in self.props:
            self.layer.RemoveActor(prop)

    def update(self, distance) -> None:
        a, b = distance.start, distance.end
        self.line.points[:] = (a, b)
        self.dots.points[:] = (a, b)
        self.line.Modified()
        self.dots.Modified()
        top = a if a[2] >= b[2] else b
        self.text.SetPosition(*top)
        self.text.SetInput(distance.text)


def _swatches(quads, width: int, height: int) -> vtkActor2D:
    """Coloured squares in display pixels: ((x, y), side, rgb) each."""
    points, cells = vtkPoints(), vtkCellArray()
    colours = []
    for (x, y), side, rgb in quads:
        first = points.GetNumberOfPoints()
        for dx, dy in ((0, 0), (side, 0), (side, side), (0, side)):
            points.InsertNextPoint(x + dx, y + dy, 0)
        cells.InsertNextCell(4, [first, first + 1, first + 2, first + 3])
        colours.append([int(round(c * 255)) for c in rgb])
    poly = vtkPolyData()
    poly.SetPoints(points)
    poly.SetPolys(cells)
    from vtkmodules.util.numpy_support import numpy_to_vtk

    rgb = numpy_to_vtk(np.array(colours, np.uint8), deep=True)
    rgb.SetName("rgb")
    poly.GetCellData().SetScalars(rgb)
    mapper = vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.SetColorModeToDirectScalars()
    coordinate = vtkCoordinate()
    coordinate.SetCoordinateSystemToDisplay()
    mapper.SetTransformCoordinate(coordinate)
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    return actor
