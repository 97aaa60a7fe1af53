"""Stills for slides: a transparent PNG on a white slide keeps its words readable; the app verb."""
import numpy as np
import pytest

from tests.conftest import SCENARIOS


def _on_white(image: np.ndarray) -> np.ndarray:
    alpha = image[..., 3:4] / 255.0
    return image[..., :3] * alpha + 255.0 * (1 - alpha)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB values 0..255."""
    c = rgb / 255.0
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def text_contrast(feed, style: str) -> float:
    """WCAG contrast of the title's glyphs against what surrounds them, on a white slide.

    Glyph pixels: drawn by the text (they differ from a still without text) in the text's own
    colour. Words that look like the slide have no such pixels: contrast 1, unreadable.
    """
    from viewer.render.export import ExportOptions, render_still
    from viewer.render.overlays import TEXT_STYLES

    size = (640, 360)
    shots = [_on_white(render_still(feed, 1.0, ExportOptions(size=size, anti_aliasing="none",
                                                                        transparent=True, text=text,
                                                                        text_style=style)))
             for text in (True, False)]
    corner = (slice(0, 40), slice(0, 200))  # the title, top left
    with_text, without = shots[0][corner], shots[1][corner]
    drawn = np.abs(with_text - without).sum(axis=2) > 30
    colour = np.array(TEXT_STYLES[style][0]) * 255
    glyphs = drawn & (np.abs(with_text - colour).max(axis=2) < 40)
    if glyphs.sum() < 50:
        return 1.0
    rows, cols = np.nonzero(glyphs)
    box = (slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1))
    around = with_text[box][~glyphs[box]]
    text_lum, around_lum = np.median(_luminance(with_text[glyphs])), np.median(_luminance(around))
    return (max(text_lum, around_lum) + 0.05) / (min(text_lum, around_lum) + 0.05)


@pytest.fixture(scope="module")
def leg_raise():
    from viewer.core.analysis.colour import Colouring
    from viewer.core.motion.kinematics import Kinematics
    from viewer.core.model.binding import load_checked

    scenario, model = load_checked(SCENARIOS / "leg_raise.yaml")
    from viewer.core.session.feed import FrameFeed

    kin = model.kinematics(scenario)
    return FrameFeed(kin, Colouring(kin))


def test_transparent_still_on_a_white_slide_has_readable_text(leg_raise):
    assert text_contrast(leg_raise, "dark") >= 4.5
    assert text_contrast(leg_raise, "light") < 4.5  # white words: what --transparent used to give


def test_snapshot_transparent_defaults_to_dark_text(tmp_path, monkeypatch):
    from viewer.cli import main
    from viewer.render import export

    seen = {}
    monkeypatch.setattr(export, "save_still", lambda feed, t, path, options: seen.update(o=options))
    assert main(["snapshot", str(SCENARIOS / "leg_raise.yaml"), "--transparent", "-o", str(tmp_path / "a.png")]) == 0
    assert seen["o"].text_style == "dark" and seen["o"].transparent
    assert main(["snapshot", str(SCENARIOS / "leg_raise.yaml"), "-o", str(tmp_path / "b.png")]) == 0
    assert seen["o"].text_style == "light"
    assert main(["snapshot", str(SCENARIOS / "leg_raise.yaml"), "--transparent", "--text", "light",
                 "-o", str(tmp_path / "c.png")]) == 0
    assert seen["o"].text_style == "light"


def test_app_options_work_without_the_gui_verb(monkeypatch):
    from viewer.app import main as app_main
    from viewer.cli import main

    calls = []
    monkeypatch.setattr(app_main, "run", lambda scenario, screenshot, time=None, edit=False, lab=None:
                        calls.append((scenario, screenshot, time, edit)) or 0)
    assert main(["--screenshot", "x.png"]) == 0
    assert main([str(SCENARIOS / "crunch.yaml"), "--time", "1", "--edit"]) == 0
    assert calls == [(None, "x.png", None, False), (str(SCENARIOS / "crunch.yaml"), None, 1.0, True)]
