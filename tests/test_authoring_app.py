"""Authoring in the app without a terminal: the library with optional extras, File → New, captions.

Needs a display: `scripts/test.sh` runs the suite under xvfb-run.
"""
import os
import sys

import pytest

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def test_library_greys_an_exercise_whose_extra_is_missing(qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from viewer.app.library import Library

    monkeypatch.setitem(sys.modules, "opensim", None)  # a default install: no OpenSim extra
    library = Library()
    qtbot.addWidget(library)
    library.fill([])
    library.resize(360, 600)
    library.show()
    qtbot.waitExposed(library)
    items = {library.item(r).text().splitlines()[0]: library.item(r) for r in range(library.count())}
    curl = items["OpenSim arm curl"]
    assert curl.text().splitlines()[1].strip() == "OpenSim models need the optional extra: pip install -e \".[opensim]\""
    assert not curl.flags() & Qt.ItemIsEnabled  # drawn greyed, cannot be opened
    assert items["Lying leg raise"].flags() & Qt.ItemIsEnabled
    chosen = []
    library.chosen.connect(chosen.append)
    rect = library.visualItemRect(curl)
    qtbot.mouseClick(library.viewport(), Qt.LeftButton, pos=rect.center())
    assert chosen == []
