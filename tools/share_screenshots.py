"""Make the README's screenshots of presenter mode and of the take-home page.

    xvfb-run -a -s "-screen 0 1920x1080x24" python tools/share_screenshots.py [OUT_DIR]

Presenter mode: the real window, full screen, leg raise paused at 1.25 s. The page: written by
`muscle-viewer share`, opened in headless Chromium at #t=1.25 as a desktop (1280×800) and a
phone (390×844) would show it.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIO = ROOT / "scenarios" / "leg_raise.yaml"
NOTE = "Ten slow raises, twice a day. Keep the lower back on the mat."


def presenter(out: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from viewer.app.window import MainWindow

    app = QApplication.instance() or QApplication([])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.IniFormat)  # not the user's
    window = MainWindow(settings)
    window.show()
    window.restore(str(SCENARIO))
    window.toggle_presenter()
    window.toggle_play()  # paused: a still for the README
    window.seek(1.25)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    window.view.render()
    app.processEvents()
    app.primaryScreen().grabWindow(0).save(str(out / "presenter_leg_raise.png"))
    window.presenter.leave()
    window.close()


def page(out: Path) -> None:
    from PIL import Image

    from tests.chromium import Browser, page_url
    from viewer.cli import main

    html = out / "leg_raise.html"
    main(["share", str(SCENARIO), "-o", str(html), "--note", NOTE, "--quiet"])
    for name, (w, h, mobile) in {"share_desktop.png": (1280, 800, False), "share_phone.png": (390, 844, True)}.items():
        browser = Browser()
        try:
            browser.open(page_url(html, "#t=1.25"), w, h, mobile=mobile)
            browser.wait_for("document.body.dataset.ready === '1' && musclePage.frames > 5")
            time.sleep(0.5)
            Image.fromarray(browser.screenshot()).save(out / name)
        finally:
            browser.close()
    html.unlink()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    presenter(target)
    page(target)
    print(f"wrote {target}/presenter_leg_raise.png, share_desktop.png, share_phone.png", file=sys.stderr)
