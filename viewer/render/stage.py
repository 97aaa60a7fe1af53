"""One Stage: the scene, its words and its camera for one View on one plotter.

The window's 3D view, a still, a video, a compare panel and presenter mode all draw through a
Stage, so the same View at the same time gives the same picture in each (DESIGN §3). A Stage
never samples kinematics itself: it shows a frame of a batch the feed made (`show`), or asks
the feed for the batch of one exact time (`show_time`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from viewer.core.view.viewstate import CameraState, Output, View

from .camera import CameraRig, body_points
from .overlays import Overlays, text_unit
from .scene import Scene, SceneStyle


@dataclass(frozen=True)
class Dressing:
    """What a picture draws besides the View itself: its words, and which parts of the body."""

    text: bool = True  # title, caption, legend and measuring lines
    legend: bool = True  # the colour legend (side-by-side panels share one instead)
    text_style: str = "light"  # "light" words for the dark backdrop, "dark" (light halo) for slides
    text_unit: float | None = None  # overlay text scale; None: the output's height / 720
    window: bool = False  # a window keeps its words readable at any size
    labels_at: tuple | None = None  # presenter mode: (scale, (bottom, top) pixels of its bands)
    small_text: bool = True  # False: only the muscle labels and the measure's words (presenter mode)
    muscles: tuple[int, ...] | None = None  # draw only these muscles (tests, close-ups)
    focus: tuple[str, ...] | None = None  # groups drawn in full; None: the scenario's focus
    bones: bool = True
    floor: bool = True
    muscle_style: str = "shapes"  # "shapes" (bellies and tendons) | "lines" (lines of action)


class Stage:
    """The scene, overlays and camera of one View, drawn on `plotter` at `output.size`.

    frames: the batch that fixes the strand layout (None: the feed's overview);
    bones_from: a cleared scene of the same model whose bone actors this one takes over.
    """

    def __init__(self, plotter, feed, view: View, output: Output, dressing: Dressing = Dressing(),
                 frames=None, bones_from: Scene | None = None):
        self.plotter, self.feed, self.view, self.output, self.dressing = plotter, feed, view, output, dressing
        frames = feed.overview if frames is None else frames
        style = SceneStyle(bone_opacity=view.bone_opacity, muscles=dressing.muscles, bones=dressing.bones,
                           floor=dressing.floor, muscle_style=dressing.muscle_style)
        focus = list(dressing.focus) if dressing.focus is not None else None
        self.scene = Scene(plotter, feed, frames, style, focus_groups=focus,
                           extent=body_points(feed.overview, feed.model), bones_from=bones_from)
        self.hidden = view.hidden_mask(feed.model)
        self.scene.set_hidden(self.hidden)
        self.overlays: Overlays | None = None
        self._orbit: float | None = None
        self.dress(output.size, dressing)

    # --- what is shown ------------------------------------------------------------------------
    def dress(self, size: tuple[int, int], dressing: Dressing, aim: bool = True) -> None:
        """(Re)lay the words out for a picture of `size` and fit the camera to what they leave free."""
        if self.overlays is not None:
            self.overlays.remove()
        self.size, self.dressing = size, dressing
        unit = dressing.text_unit if dressing.text_unit is not None else text_unit(size[1], window=dressing.window)
        self.overlays = Overlays(self.plotter, self.feed, self.feed.colouring, size, text=dressing.text,
                                 legend=dressing.legend, unit=unit, hidden=self.hidden,
                                 text_style=dressing.text_style, labels_at=dressing.labels_at)
        self.rig = self.rig_for(size, self.view.camera)
        self._hide_small_text()
        if aim:
            self.aim()

    def _hide_small_text(self) -> None:
        """Presenter mode says the small words larger, elsewhere: hide them here (labels stay)."""
        if self.dressing.small_text:
            return
        from .layers import screen_text

        keep = set(map(id, self.overlays.label_props()))
        for prop in screen_text(self.plotter):
            if prop.GetVisibility() and id(prop) not in keep:
                prop.SetVisibility(False)

    def rig_for(self, size: tuple[int, int], camera: CameraState, area=None) -> CameraRig:
        """The camera of `camera` fitted to a picture of `size` (the one place a CameraRig is built)."""
        area = self.overlays.free_area() if area is None else area
        return CameraRig(self.feed, self.scene.extent, size, area=area, camera=camera)

    def set_view(self, view: View) -> None:
        """Show another View of the same scenario: hidden muscles, bones and camera follow."""
        old, self.view = self.view, view
        if view.hidden != old.hidden:
            self.hidden = view.hidden_mask(self.feed.model)
            self.scene.set_hidden(self.hidden)
            if self.overlays is not None:
                self.overlays.set_hidden(self.hidden)  # a label names only a drawn muscle
        if view.bone_opacity != old.bone_opacity:
            self.scene.set_bone_opacity(view.bone_opacity)
        if view.camera != old.camera:
            self.set_camera(view.camera)

    def set_camera(self, camera: CameraState) -> None:
        """Fit a camera to the picture and look through it (also the same one again: F refits)."""
        self.view = replace(self.view, camera=camera)
        self.rig = self.rig_for(self.size, camera)
        self.aim()

    def aim(self, orbit: float = 0.0) -> None:
        self.rig.shot(orbit).apply(self.plotter.renderer.GetActiveCamera())
        self.plotter.renderer.camera_set = True  # stop PyVista resetting it on the first render
        self.plotter.renderer.ResetCameraClippingRange()
        self._orbit = orbit

    # --- per frame ------------------------------------------------------------------------------
    def show(self, frames, i: int, colours: np.ndarray, orbit: float | None = None,
             scenario_time: float | None = None) -> None:
        """Draw frame i of a batch (colours: that frame's uint8 (M, 3|4) from scene.paint)."""
        self.scene.update(frames, i, colours)
        self._shown = (frames, i, scenario_time)
        self.overlays.update(frames, i, scenario_time)
        self._hide_small_text()  # labels that change with the phase are new text props
        if orbit is not None and orbit != self._orbit:
            self.aim(orbit)
        self.plotter.renderer.ResetCameraClippingRange()

    def relayout(self) -> None:
        """Lay the words of the frame shown out again for the camera of now (a turn while paused)."""
        if getattr(self, "_shown", None) is not None:
            self.overlays.update(*self._shown)
            self._hide_small_text()

    def show_time(self, t: float, direction: int = 1) -> None:
        """Draw the scenario at exactly time t (no frame grid): the frame an export at t draws."""
        batch = self.feed.batch([t], [direction])
        self.show(batch.frames, 0, self.scene.paint(batch.rgb, batch.strength)[0], scenario_time=t)
        self.view = replace(self.view, time=float(t), direction=direction)

    # --- where things are on screen -------------------------------------------------------------
    def muscle_at(self, x: int, y: int) -> int | None:
        """The visible muscle under display pixel (x, y), origin bottom-left, or None."""
        from .picking import camera_ray  # a ray against the drawn centre lines: no render

        return self.scene.muscle_on_ray(camera_ray(self.plotter.renderer, x, y))

    def display_point(self, world: np.ndarray) -> tuple[int, int]:
        """Display pixel (origin bottom-left) of a world point, for tests and tooltips."""
        renderer = self.plotter.renderer
        renderer.SetWorldPoint(*world, 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        return int(round(x)), int(round(y))

    # --- pictures -------------------------------------------------------------------------------
    def pixels(self) -> np.ndarray:
        """Render and read back RGB rows bottom-up (h, w, 3): video frames are flipped by ffmpeg."""
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

        w, h = self.size
        win = self.plotter.ren_win
        win.Render()
        if not hasattr(self, "_buffer"):
            self._buffer = vtkUnsignedCharArray()
        win.GetPixelData(0, 0, w - 1, h - 1, 0, self._buffer, 0)
        return vtk_to_numpy(self._buffer).reshape(h, w, 3)

    def image(self) -> np.ndarray:
        """The rendered frame top-down, RGBA when the background is transparent."""
        return self.plotter.screenshot(transparent_background=self.output.transparent, return_img=True)

    def remove(self) -> None:
        """Take this stage's words off the plotter (the scene goes with plotter.clear)."""
        if self.overlays is not None:
            self.overlays.remove()
            self.overlays = None

    def close(self) -> None:
        self.plotter.close()
