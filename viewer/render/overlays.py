"""Words on the picture: title, phase and caption, time and joint angle, the colour legend in
plain words, and the scenario's measuring lines with their live distance.

All actors are made once; a frame only changes their text and two line end points.
Sizes scale with the window height so a GIF and a 4K video read the same.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import (vtkActor2D, vtkBillboardTextActor3D, vtkCoordinate,
                                         vtkPolyDataMapper2D, vtkTextActor)

from .camera import ScreenArea

TEXT = (0.96, 0.96, 0.96)
DIM_TEXT = (0.80, 0.82, 0.85)
PANEL = (0.08, 0.09, 0.11)
PANEL_OPACITY = 0.72
MEASURE_COLOUR = (1.0, 0.86, 0.35)  # a yellow that differs from both warm and cool muscles
CHAR_WIDTH = 0.52  # average glyph width / font size for the default sans font
BASE_HEIGHT = 720.0  # sizes below are pixels at this window height
CAPTION_WIDTH = 0.60  # share of the window width for the caption; the legend takes the rest


class Overlays:
    def __init__(self, plotter: pv.Plotter, kin, colouring, size: tuple[int, int], text: bool = True,
                 unit: float | None = None, legend: bool = True):
        """text=False draws nothing: no words and no measuring lines (clean pixels for tests).

        legend=False leaves the colour legend out (side-by-side panels share one) and lets the
        caption use the full width.
        """
        self.plotter = plotter
        self.kin = kin
        self.scenario = kin.scenario
        self.width, self.height = size
        # pixels per design pixel: scales with the frame for exports; a window passes its own
        self.unit = unit if unit is not None else self.height / BASE_HEIGHT
        self.text = text
        self._caption_share = CAPTION_WIDTH if legend else 0.98
        self._angles = _AngleReadout(kin)
        self._actors2d: list = []
        renderer = plotter.renderer
        m = 16 * self.unit
        self.top_px = self.bottom_px = 0.0  # window bands the text covers: keep the model out of them
        if text:
            self.title = self._text(self.scenario.title, 28, (m, self.height - m), "left", "top", bold=True)
            self.phase = self._text("", 20, (m, self.height - m - 40 * self.unit), "left", "top", colour=DIM_TEXT)
            self.clock = self._text("", 20, (self.width - m, self.height - m), "right", "top")
            self.caption = self._text("", 18, (m, m), "left", "bottom", panel=True)
            legend_top = self._legend(colouring, m) if legend else m
            for actor in self._actors2d:
                renderer.AddViewProp(actor)
            captions = [p.caption for p in self.scenario.phases] + [self.scenario.summary]
            lines = max(len(self._wrap_caption(c)) for c in captions)
            self.top_px = m + 70 * self.unit
            self.bottom_px = max(legend_top, m + lines * 18 * 1.2 * self.unit + 6 * self.unit)
        count = len(self.scenario.measure) if text else 0
        self._measures = [_MeasureLine(plotter, kin, i, self.unit) for i in range(count)]
        self._last_phase = None
        self.labels = None  # the top movers and the measures' labels, beside the body (labels.py)
        if text:
            from .labels import MuscleLabels

            for line in self._measures:
                line.text.SetVisibility(False)
            self.labels = MuscleLabels(plotter, kin, size, self.unit, extra=count, free=(self.bottom_px, self.top_px),
                                       colours=[None] * 3 + [MEASURE_COLOUR] * count)

    # --- building ---------------------------------------------------------------------------
    def _text(self, content: str, size: float, at, horizontal: str, vertical: str, bold: bool = False,
              colour=TEXT, panel: bool = False) -> vtkTextActor:
        actor = vtkTextActor()
        actor.SetInput(content)
        prop = actor.GetTextProperty()
        prop.SetFontSize(max(8, int(round(size * self.unit))))
        prop.SetColor(*colour)
        prop.SetBold(bold)
        prop.SetShadow(not panel)
        prop.SetShadowOffset(1, -1)
        prop.SetLineSpacing(1.15)
        {"left": prop.SetJustificationToLeft, "right": prop.SetJustificationToRight,
         "centre": prop.SetJustificationToCentered}[horizontal]()
        {"top": prop.SetVerticalJustificationToTop, "bottom": prop.SetVerticalJustificationToBottom}[vertical]()
        if panel:
            prop.SetBackgroundColor(*PANEL)
            prop.SetBackgroundOpacity(PANEL_OPACITY)
            prop.SetFrame(False)
        actor.SetPosition(*at)  # display pixels
        self._actors2d.append(actor)
        return actor

    def _chars_per_line(self, share: float, size: float) -> int:
        return max(20, int(share * self.width / (CHAR_WIDTH * size * self.unit)))

    def _wrap_caption(self, text: str) -> list[str]:
        return textwrap.wrap(text or "", self._chars_per_line(self._caption_share - 0.04, 18))

    def _legend(self, colouring, m: float) -> float:
        """Swatches with plain-words lines, bottom right; the numbers and the effort note below."""
        u = self.unit
        x0 = self.width * (CAPTION_WIDTH + 0.03)
        share = 1.0 - CAPTION_WIDTH - 0.03 - m / self.width
        small = 15
        notes = [colouring.scale_text] if colouring.scale_text else []
        if colouring.note:
            notes += textwrap.wrap(colouring.note, self._chars_per_line(share, small))
        y = m
        if notes:
            self.legend_note = self._text("\n".join(notes), small, (x0, y), "left", "bottom", colour=DIM_TEXT)
            y += (len(notes) * 1.2 * small + 10) * u
        swatch = 16 * u
        quads = []
        for entry in reversed(colouring.legend):
            self._text(entry.text, 17, (x0 + swatch + 10 * u, y), "left", "bottom")
            quads.append(((x0, y + 2 * u), swatch, entry.rgb))
            y += 26 * u
        self._actors2d.append(_swatches(quads, self.width, self.height))
        return y  # top of the legend, pixels from the bottom

    # --- per frame ----------------------------------------------------------------------------
    def update(self, frames, i: int, scenario_time: float | None = None) -> None:
        t = float(frames.times[i]) if scenario_time is None else scenario_time
        for line in self._measures:
            line.update(frames, i)
        if not self.text:
            return
        self.labels.update(frames, i, t, [(line.text.GetInput(), np.mean(line.line.points, axis=0))
                                          for line in self._measures])
        phase = self.scenario.phase_at(t)
        readout = f"{t:4.2f} s"
        angle = self._angles.text(frames.qpos[i], phase)
        if angle:
            readout += f"\n{angle}"
        self.clock.SetInput(readout)
        if phase is not self._last_phase:
            self._last_phase = phase
            phases = self.scenario.phases
            self.phase.SetInput(f"Phase {phases.index(phase) + 1} of {len(phases)}: {phase.name}" if phase else "")
            caption = phase.caption if phase and phase.caption else self.scenario.summary
            lines = self._wrap_caption(caption)
            self.caption.SetInput("\n".join(lines))
            self.caption.SetVisibility(bool(lines))


    def free_area(self, gap: float = 8.0) -> ScreenArea:
        """The part of the window the text leaves for the body, for the camera fit."""
        return ScreenArea(bottom=-1 + 2 * (self.bottom_px + gap) / self.height,
                          top=1 - 2 * (self.top_px + gap) / self.height)

    def remove(self) -> None:
        """Take every overlay actor out of the plotter (the app rebuilds them on resize)."""
        for actor in self._actors2d:
            self.plotter.renderer.RemoveViewProp(actor)
        for line in self._measures:
            line.remove()
        if self.labels is not None:
            self.labels.remove()


class _AngleReadout:
    """The angle that moves most in the current phase, in the scenario's own words ('Hip flexion 45°')."""

    def __init__(self, kin):
        model, scenario = kin.model, kin.scenario
        names = []
        for key in scenario.keyframes:
            names += [n for n in key.pose if n not in names]
        self._channels = []  # (label, qpos address, factor to user units)
        for name in names:
            alias = model.aliases.get(name)
            joint_name, sign = next(iter(alias.joints.items())) if alias else (name, 1)
            joint = model.joints.get(joint_name)
            if joint is None or joint.kind != "hinge":
                continue
            self._channels.append((name.replace("_", " ").capitalize(), joint.qposadr, sign * 180.0 / np.pi))
        spans = [p for p in scenario.phases] or []
        ends = kin.sample(sorted({0.0, scenario.duration, *[t for p in spans for t in (p.start, p.end)]}))
        values = self._values(ends.qpos)  # (T, C)
        at = {round(float(t), 9): values[k] for k, t in enumerate(ends.times)}
        self._overall = int(np.argmax(np.ptp(values, axis=0))) if self._channels else None
        self._main = {}
        for p in spans:
            moved = np.abs(at[round(p.start, 9)] - at[round(p.end, 9)]) if self._channels else None
            self._main[id(p)] = int(np.argmax(moved)) if moved is not None and moved.max() > 0.5 else self._overall

    def _values(self, qpos: np.ndarray) -> np.ndarray:
        if not self._channels:
            return np.zeros((qpos.shape[0], 0))
        return np.stack([qpos[:, adr] * f for _, adr, f in self._channels], axis=1)

    def text(self, qpos: np.ndarray, phase) -> str:
        c = self._main.get(id(phase), self._overall) if phase is not None else self._overall
        if c is None:
            return ""
        label, adr, factor = self._channels[c]
        return f"{label} {qpos[adr] * factor:.0f}°"


class _MeasureLine:
    """A line between two landmarks and a label with the live distance ('Ribs to pubis 31.2 cm')."""

    def __init__(self, plotter: pv.Plotter, kin, index: int, unit: float):
        measure = kin.scenario.measure[index]
        self.label = measure.label
        self.ends = (kin.landmark_names.index(measure.start), kin.landmark_names.index(measure.end))
        layer = _front_layer(plotter)  # the landmarks sit inside the body: draw the line over it
        self.line = pv.Line((0, 0, 0), (0, 0, 1e-3))
        line = pv.Actor(mapper=pv.DataSetMapper(self.line))
        line.mapper.ScalarVisibilityOff()  # pv.Line carries a 'Distance' array: not a colour
        line.prop.color, line.prop.line_width, line.prop.lighting = MEASURE_COLOUR, max(1, int(2 * unit)), False
        line.prop.opacity = 0.8  # the muscle it measures lies right under it
        self.dots = pv.PolyData(np.zeros((2, 3)))
        dots = pv.Actor(mapper=pv.DataSetMapper(self.dots))
        dots.mapper.ScalarVisibilityOff()
        dots.prop.color, dots.prop.point_size, dots.prop.lighting = MEASURE_COLOUR, max(6, int(10 * unit)), False
        dots.prop.render_points_as_spheres = True
        self.layer = layer
        layer.AddActor(line)
        layer.AddActor(dots)
        self.text = vtkBillboardTextActor3D()
        prop = self.text.GetTextProperty()
        prop.SetFontSize(max(8, int(round(17 * unit))))
        prop.SetColor(*MEASURE_COLOUR)
        prop.SetBold(True)
        prop.SetBackgroundColor(*PANEL)
        prop.SetBackgroundOpacity(0.6)
        prop.SetJustificationToCentered()
        self.text.SetDisplayOffset(0, int(22 * unit))
        layer.AddActor(self.text)
        self.props = (line, dots, self.text)

    def remove(self) -> None:
        for prop in self.props:
            self.layer.RemoveActor(prop)

    def update(self, frames, i: int) -> None:
        a, b = frames.landmarks[i, self.ends[0]], frames.landmarks[i, self.ends[1]]
        self.line.points[:] = (a, b)
        self.dots.points[:] = (a, b)
        self.line.Modified()
        self.dots.Modified()
        top = a if a[2] >= b[2] else b
        self.text.SetPosition(*top)
        self.text.SetInput(f"{self.label} {np.linalg.norm(a - b) * 100:.1f} cm")


def _front_layer(plotter: pv.Plotter):
    """A renderer drawn after the scene with the same camera, on a cleared depth buffer."""
    window = plotter.ren_win
    existing = getattr(plotter, "_muscle_viewer_front", None)
    if existing is not None:
        return existing
    from vtkmodules.vtkRenderingCore import vtkRenderer

    layer = vtkRenderer()
    layer.SetLayer(window.GetNumberOfLayers())  # above PyVista's own layers
    layer.SetActiveCamera(plotter.renderer.GetActiveCamera())
    layer.InteractiveOff()
    layer.SetPreserveColorBuffer(True)
    window.SetNumberOfLayers(layer.GetLayer() + 1)
    window.AddRenderer(layer)
    plotter._muscle_viewer_front = layer
    return layer


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
