"""Text in every script on rendered frames: shaped, right-to-left aware, wrapped, never dropped."""
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("pyvista")

from viewer.core.session.feed import FrameFeed  # noqa: E402
from viewer.render import text as text_mod  # noqa: E402
from viewer.render.text import TextActor, TextStyle, render_block, shorten, wrap  # noqa: E402

ARABIC, CHINESE, EMOJI = "رفع الساق", "抬腿", "🦵"
needs_fonts = pytest.mark.skipif(
    not {"NotoSansArabic-Regular.ttf", "NotoSansCJK-Regular.ttc", "NotoColorEmoji.ttf"}
    <= {p.name for p in text_mod.font_files()},
    reason="needs fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji (scripts/setup.sh installs them)")


def ink(pixels: np.ndarray) -> int:
    return int((pixels[..., 3] > 64).sum())


def test_pillow_shapes_text():
    assert text_mod.can_shape(), "Pillow without raqm: Arabic would not join; install libraqm0"


@needs_fonts
@pytest.mark.parametrize("sample", [ARABIC, CHINESE, EMOJI, "שלום", "Ελληνικά", "Кириллица"])
def test_every_script_draws_glyphs(sample):
    style = TextStyle(24, shadow=False)
    assert ink(render_block(sample, style)) > 40
    assert ink(render_block(sample, style)) > 4 * ink(render_block(".", style))


@needs_fonts
def test_arabic_is_shaped_and_reads_right_to_left():
    style = TextStyle(32, shadow=False)
    joined = render_block("لا", style)  # lam + alef join into one ligature, narrower than apart
    apart = render_block("ل ا", style)
    assert joined.shape[1] < apart.shape[1]
    # in a left-to-right line, an Arabic phrase keeps its own order: its first word on the right
    line = render_block("A " + "بب" + " " + "ككككككككك", style)
    columns = np.flatnonzero((line[..., 3] > 64).any(axis=0))
    first_word = render_block("بب", style).shape[1]
    gaps = np.flatnonzero(np.diff(columns) > 3)
    assert len(gaps) >= 2
    assert columns[-1] - columns[gaps[-1] + 1] < first_word + 4  # the short word sits last, at the right


@needs_fonts
def test_emoji_are_in_colour():
    pixels = render_block(EMOJI, TextStyle(40, shadow=False)).astype(int)
    drawn = pixels[pixels[..., 3] > 200][:, :3]
    saturation = drawn.max(axis=1) - drawn.min(axis=1)
    assert (saturation > 80).mean() > 0.3  # not white text: the emoji's own colours


def test_long_captions_wrap_and_are_cut_with_an_ellipsis():
    size, width = 18, 300
    lines = wrap("The hip flexors shorten while the rectus abdominis keeps its length. " * 10, width, size, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(text_mod.line_width(line, size) <= width for line in lines)
    cjk = wrap("髋屈肌缩短而腹直肌保持长度" * 20, width, size, 3)  # no spaces to break at
    assert len(cjk) == 3 and all(text_mod.line_width(line, size) <= width for line in cjk)
    long_title = shorten("Title " * 500, 400, 28, bold=True)
    assert long_title.endswith("…") and text_mod.line_width(long_title, 28, bold=True) <= 400
    assert wrap("", 300, 18, 4) == [] and shorten("short", 400, 18) == "short"


def test_text_actor_reads_back_its_text_and_hides_when_empty():
    actor = TextActor(TextStyle(20), (10, 100), "left", "top")
    actor.SetInput("Phase 1")
    assert actor.GetInput() == "Phase 1" and actor.GetVisibility()
    w, h = actor.size_px
    assert w > 20 and h > 10 and tuple(actor.GetPosition()) == (10, 100 - h)
    actor.SetInput("")
    assert not actor.GetVisibility()


# --- a real rendered frame ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def titled_frame(founding):
    """The leg raise at 0 s as export draws it, with the title set to any text."""
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, open_stage

    scenario, model, kin, _ = founding["leg_raise"]
    colouring = Colouring(kin)
    stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(960, 540), anti_aliasing="none"))
    frames = kin.sample([0.0])
    colours = stage.scene.paint(*colouring.paint(frames))[0]

    def frame(title: str) -> np.ndarray:
        stage.overlays.title.SetInput(title)
        stage.show(frames, 0, colours)
        stage.plotter.render()  # screenshot() alone would return the last frame again
        return stage.image()

    yield frame
    stage.close()


def _title_band(image: np.ndarray) -> np.ndarray:
    return image[:60, :700, :3].astype(int)  # top left: where the title is drawn at 960x540


@needs_fonts
def test_a_title_in_arabic_chinese_and_emoji_draws_glyphs_for_each(titled_frame):
    empty = _title_band(titled_frame(""))

    def changed(title):
        return np.abs(_title_band(titled_frame(title)) - empty).max(axis=2) > 40

    pieces = {name: changed(sample).sum() for name, sample in
              (("arabic", ARABIC), ("chinese", CHINESE), ("emoji", EMOJI))}
    assert all(count > 80 for count in pieces.values()), pieces
    together = changed(f"{ARABIC} {CHINESE} {EMOJI}")
    assert together.sum() > 0.8 * sum(pieces.values())  # every piece is there, none dropped
    colour = _title_band(titled_frame(EMOJI))
    pixels = colour[changed(EMOJI)]
    assert ((pixels.max(axis=1) - pixels.min(axis=1)) > 80).sum() > 40  # the emoji in colour, not a box


def test_a_huge_title_and_caption_still_render(founding):
    from viewer.core.analysis.colour import Colouring
    from viewer.core.motion.kinematics import Kinematics
    from viewer.render.export import ExportOptions, render_still

    scenario, model, _, _ = founding["leg_raise"]
    phases = [replace(p, caption="Very long caption words " * 400) for p in scenario.phases]
    kin = model.kinematics(replace(scenario, title="Huge title " * 1000, phases=phases))
    image = render_still(FrameFeed(kin, Colouring(kin)), 1.0, ExportOptions(size=(640, 360), anti_aliasing="none"))
    assert image.shape == (360, 640, 3)


@needs_fonts
def test_validate_warns_about_characters_no_font_can_draw(tmp_path, capsys):
    from viewer.cli import main

    path = tmp_path / "glyph.yaml"
    path.write_text('format: 1\ntitle: "Linear B \\U00010000 and 抬腿 🦵"\nkeyframes:\n  - {time: 0, pose: {}}\n',
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # a warning, not an error: the rest still draws
    # (validate also reports the stance of this bare standing pose: only the font line is this test's)
    err = [line for line in capsys.readouterr().err.splitlines() if "font" in line]
    assert len(err) == 1 and err[0].endswith(
        "glyph.yaml:2: warning: no installed font has \U00010000 in title; frames would leave them out "
        "(install fonts-noto-core, fonts-noto-cjk: scripts/setup.sh)")


@needs_fonts
@pytest.mark.parametrize("label", [f"{ARABIC} {CHINESE}", EMOJI])
def test_a_measure_label_in_any_script_is_drawn_beside_the_body(tmp_path, label):
    """The measuring line's label joins the muscle labels: its words must reach the frame too."""
    from viewer.core.model.binding import load_checked
    from viewer.core.analysis.colour import Colouring
    from viewer.render.export import ExportOptions, open_stage
    from tests.conftest import SCENARIOS

    def measure_box(text: str):
        path = tmp_path / "crunch.yaml"
        path.write_text((SCENARIOS / "crunch.yaml").read_text(encoding="utf-8")
                        .replace("label: Ribs to pubis", f"label: '{text}'"), encoding="utf-8")
        scenario, model = load_checked(path)
        kin = model.kinematics(scenario)
        colouring = Colouring(kin)
        stage = open_stage(FrameFeed(kin, colouring), ExportOptions(size=(960, 540), anti_aliasing="none"))
        frames = kin.sample([1.5])
        stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
        stage.plotter.render()
        labels = stage.overlays.labels
        k = next(k for k, actor in enumerate(labels.texts) if actor.GetVisibility() and text in actor.GetInput())
        x0, y0, x1, y1 = (int(round(v)) for v in labels.boxes[k])
        image = stage.image()[..., :3].astype(int)
        stage.close()
        return image[540 - y1:540 - y0, x0:x1]  # display rows count from the bottom

    def bright(box) -> int:  # yellow words, or a colour emoji, on the dark panel
        return int((box.max(axis=2) > 150).sum())

    words, number_only = measure_box(label), measure_box(".")  # "." leaves just the distance, "32.2 cm"
    assert words.shape[1] > number_only.shape[1] + 10  # laid out by its drawn width
    assert bright(words) - bright(number_only) > 30, (bright(words), bright(number_only))  # the words are drawn
