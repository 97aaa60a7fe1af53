"""The connections one panel holds to one view state, dropped together when it lets go.

A panel follows the view state the way napari's `QtDims` follows `dims.events`: it connects its own
handlers and, when the window shows another state (a new file) or closes, disconnects them, so
an old state drives nothing. Works for the state's events and for Qt signals alike.
"""
from __future__ import annotations

from typing import Callable


class Bindings:
    def __init__(self):
        self._links: list[tuple[object, Callable]] = []

    def connect(self, source, handler: Callable) -> None:
        """source: a ViewState event or a Qt signal."""
        source.connect(handler)
        self._links.append((source, handler))

    def follow(self, state, **handlers: Callable) -> bool:
        """Let go of the last state and follow `state`'s events by name (time=…, hidden=…);
        False when there is none to follow."""
        self.clear()
        if state is None:
            return False
        for name, handler in handlers.items():
            self.connect(getattr(state.events, name), handler)
        return True

    def clear(self) -> None:
        for source, handler in reversed(self._links):
            try:
                source.disconnect(handler)
            except (RuntimeError, TypeError):  # a Qt object already gone with its window
                pass
        self._links.clear()
