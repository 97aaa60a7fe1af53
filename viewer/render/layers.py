"""The window's two drawing layers, and the scene drawn at reduced resolution while it moves.

Layer 0 is the scene (bones, muscles, props). Two layers are drawn after it with the same camera:
the text layer, every word on the picture (title, caption, clock, legend, labels and their leader
lines), then the front layer, on a cleared depth buffer, the measuring lines (their landmarks sit
inside the body, and the line and its end dots stay on top of everything).

While the camera turns or the exercise plays on a machine without a GPU, one render of the
scene at the window's full size costs more than a frame's time, and most of it is filling
pixels. `Reduction` then draws the scene into the bottom-left 1/f of the window and stretches
that picture over the whole window (one linear blit through a scratch framebuffer) before the
text and front layers draw, so the body is a little soft while it moves and the text stays sharp
(ParaView's image reduction for interactive rendering). The viewport shrinks only inside the
render: the camera, picking and the mouse see the whole window at all times.
"""
from __future__ import annotations

import pyvista as pv
from vtkmodules.vtkRenderingCore import vtkRenderer

from viewer.core.base.interrupt import called_from_c

GL_READ_FRAMEBUFFER, GL_DRAW_FRAMEBUFFER = 0x8CA8, 0x8CA9
GL_COLOR_BUFFER_BIT, GL_NEAREST, GL_LINEAR, GL_SCISSOR_TEST = 0x4000, 0x2600, 0x2601, 0x0C11
VTK_UNSIGNED_CHAR = 3


def _layers(plotter: pv.Plotter) -> tuple[vtkRenderer, vtkRenderer]:
    """(text layer, front layer): both drawn after the scene with its camera, the front one last."""
    existing = getattr(plotter, "_muscle_viewer_layers", None)
    if existing is not None:
        return existing
    window = plotter.ren_win
    first = window.GetNumberOfLayers()  # above PyVista's own layers
    layers = []
    for k in range(2):
        layer = vtkRenderer()
        layer.SetLayer(first + k)
        layer.SetActiveCamera(plotter.renderer.GetActiveCamera())
        layer.InteractiveOff()
        layer.SetPreserveColorBuffer(True)
        window.AddRenderer(layer)
        layers.append(layer)
    window.SetNumberOfLayers(first + 2)
    plotter._muscle_viewer_layers = tuple(layers)
    return plotter._muscle_viewer_layers


def text_layer(plotter: pv.Plotter) -> vtkRenderer:
    """Where every word on the picture is drawn (title, caption, clock, legend, labels, leader lines)."""
    return _layers(plotter)[0]


def front_layer(plotter: pv.Plotter) -> vtkRenderer:
    """The measuring lines, drawn last on a cleared depth buffer: their landmarks sit inside the body."""
    return _layers(plotter)[1]


def screen_text(plotter: pv.Plotter) -> list:
    """The 2D props on the picture (overlay text, legend swatches, labels), not the 3D scene."""
    props = text_layer(plotter).GetViewProps()
    props.InitTraversal()
    found = [props.GetNextProp() for _ in range(props.GetNumberOfItems())]
    return [p for p in found if p.IsA("vtkActor2D")]


class Reduction:
    """Draw the plotter's scene renderer at 1/factor of the window's width and height."""

    def __init__(self, plotter: pv.Plotter):
        self.factor = 1.0
        self._renderer = plotter.renderer
        self._window = plotter.ren_win
        self._scratch = None  # a window-sized framebuffer the small picture is stretched into
        self._tags = [self._renderer.AddObserver("StartEvent", self._shrink),
                      self._renderer.AddObserver("EndEvent", self._stretch)]

    @called_from_c  # a Ctrl-C raised in an observer ends the process from inside VTK
    def _shrink(self, *_args) -> None:
        if self.factor > 1:
            self._renderer.SetViewport(0.0, 0.0, 1.0 / self.factor, 1.0 / self.factor)

    @called_from_c
    def _stretch(self, *_args) -> None:
        if self.factor <= 1:
            return
        from vtkmodules.vtkRenderingOpenGL2 import vtkOpenGLFramebufferObject as Framebuffer

        self._renderer.SetViewport(0.0, 0.0, 1.0, 1.0)
        window = self._window
        w, h = window.GetSize()
        small = (0, round(w / self.factor), 0, round(h / self.factor))  # x0, x1, y0, y1
        whole = (0, w, 0, h)
        if self._scratch is None:
            self._scratch = Framebuffer()
            self._scratch.SetContext(window)
            self._scratch_size = None
        target = window.GetRenderFramebuffer()
        state = window.GetState()
        scissor = state.GetEnumState(GL_SCISSOR_TEST)
        state.vtkglDisable(GL_SCISSOR_TEST)  # the small viewport's scissor box would clip the blits
        # The scratch framebuffer's own save/restore: the state's Push/PopFramebufferBindings left
        # the front layer drawing somewhere else (no words on the picture).
        self._scratch.SaveCurrentBindingsAndBuffers()
        try:
            if self._scratch_size != (w, h):  # (populating binds the scratch: inside the save)
                self._scratch.PopulateFramebuffer(w, h, True, 1, VTK_UNSIGNED_CHAR, False, 0, 0)
                self._scratch_size = (w, h)
            target.Bind(GL_READ_FRAMEBUFFER)
            self._scratch.Bind(GL_DRAW_FRAMEBUFFER)
            Framebuffer.Blit(small, whole, GL_COLOR_BUFFER_BIT, GL_LINEAR)
            self._scratch.Bind(GL_READ_FRAMEBUFFER)
            target.Bind(GL_DRAW_FRAMEBUFFER)
            Framebuffer.Blit(whole, whole, GL_COLOR_BUFFER_BIT, GL_NEAREST)
        finally:
            self._scratch.RestorePreviousBindingsAndBuffers()
            if scissor:
                state.vtkglEnable(GL_SCISSOR_TEST)

    def close(self) -> None:
        for tag in self._tags:
            self._renderer.RemoveObserver(tag)
        self._tags = []
        if self._scratch is not None:
            self._scratch.ReleaseGraphicsResources(self._window)
            self._scratch = None
