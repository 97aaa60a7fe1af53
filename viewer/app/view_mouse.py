"""The mouse on the 3D view: a click picks a muscle, a drag turns the camera, a resize re-lays words.

VTK's interactor style turns the camera itself; this only listens, so the view can show the
scene live under the mouse, lay its labels out again while the camera turns, and tell the
view state the camera the user leaves.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

CLICK_TOLERANCE_PX = 4  # a press and release closer than this is a click, not a rotation


class ViewMouse(QObject):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self._press = None
        iren = view.plotter.iren
        iren.add_observer("LeftButtonPressEvent", self._on_press)
        iren.add_observer("LeftButtonReleaseEvent", self._on_release)
        for event in ("RightButtonPressEvent", "MiddleButtonPressEvent", "StartInteractionEvent"):
            iren.add_observer(event, lambda *_: view.go_live())
        # The camera turns or zooms: labels and their leader lines follow the body (once per paint).
        for event in ("InteractionEvent", "MouseWheelForwardEvent", "MouseWheelBackwardEvent"):
            iren.add_observer(event, lambda *_: setattr(view, "relayout_due", True))
        # The camera the user leaves is the view state's (what an export of this window uses).
        for event in ("RightButtonReleaseEvent", "MiddleButtonReleaseEvent", "MouseWheelForwardEvent",
                      "MouseWheelBackwardEvent"):
            iren.add_observer(event, self.camera_left)
        view.widget.installEventFilter(self)

    def _on_press(self, interactor, event) -> None:
        self.view.go_live()  # a pick must see the scene posed as on screen
        self._press = self.view.plotter.iren.get_event_position()

    def _on_release(self, interactor, event) -> None:
        view = self.view
        if self._press is None or view.scene is None:
            return
        x, y = view.plotter.iren.get_event_position()
        moved = abs(x - self._press[0]) + abs(y - self._press[1])
        self._press = None
        if moved <= CLICK_TOLERANCE_PX:
            view.picked.emit(view.stage.muscle_at(x, y))
        else:
            self.camera_left()

    def camera_left(self, *args) -> None:
        """The user let go of the camera: tell the view state (once the interactor has finished)."""
        view = self.view
        if view.session is not None:
            QTimer.singleShot(0, lambda: view.session is not None and view.camera_moved.emit(view.exact_camera()))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view.widget and event.type() == QEvent.Resize and self.view.session is not None:
            self.view.go_live()  # a picture of the old size must not stay on top
            self.view._settle.start()  # overlays are laid out in pixels: rebuild once the size settles
        return False
