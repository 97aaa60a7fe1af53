"""The app stays up, with a one-line banner per problem, for every hostile file the CLI refuses."""
import os

import pytest

from tests.test_safety import ALIAS_BOMB

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")]


def test_the_app_keeps_running_with_a_banner_for_hostile_files(window, tmp_path):
    win = window
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB)
    (tmp_path / "loop.yaml").write_text("format: 1\ntitle: t\nkeyframes: &k\n  - *k\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "huge.yaml").write_text("format: 1\ntitle: t\nkeyframes:\n  - {time: 0}\n  - {time: 1.0e+308}\n")
    cases = {"bomb.yaml": "alias bomb", "loop.yaml": "recursive alias", "pipe.yaml": "FIFO",
             "huge.yaml": "numbers beyond", "/dev/zero": "device"}
    for name, words in cases.items():
        path = name if name.startswith("/") else str(tmp_path / name)
        assert win.open_path(path) is False
        text = win.banner.label.text()
        assert words in text, text
        assert "Error:" not in text and "Traceback" not in text
        assert win.session.scenario.title == "Lying leg raise"  # the last good scenario stays loaded
