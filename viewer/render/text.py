"""Text in any script on a rendered frame: Latin, Greek, Cyrillic, Arabic, Hebrew, CJK, emoji.

VTK's own text draws one built-in font without shaping, so Arabic letters would not join and
anything outside Latin would vanish. Here Pillow lays text out with raqm (HarfBuzz shaping,
FriBiDi right-to-left order) in the first installed font that has each character (Debian's
fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji; MUSCLE_VIEWER_FONTS adds folders),
and the finished picture is shown as a 2-D image actor.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonDataModel import vtkImageData
from vtkmodules.vtkRenderingCore import vtkActor2D, vtkImageMapper

from .fonts import can_shape, font_files, font_for, pillow_font  # noqa: F401 (can_shape: for callers)

ELLIPSIS = "…"
RLM, LRM = "\u200f", "\u200e"  # right-to-left and left-to-right marks
# Characters that belong with the one before them, whatever font has them: combining marks,
# joiners and variation selectors (👍🏽, ❤️, family emoji).
_JOINS = re.compile(r"[\u0300-\u036f\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def _runs(line: str, fonts: list[Path]) -> list[tuple[str, Path | None]]:
    """Split a line into pieces drawn by one font each, in reading (logical) order."""
    runs: list[list] = []
    # Where a right-to-left letter is in the line, spaces are pieces of their own (their place
    # depends on both neighbours); elsewhere they join the piece they are in: one drawing per
    # font, not per word (a label is then one piece, ~4x faster to draw).
    bidi = any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in line)
    for ch in line:
        if unicodedata.category(ch) == "Cc":  # control characters draw nothing, and make raqm's layout fail
            continue
        if runs and _JOINS.match(ch):
            runs[-1][0] += ch  # marks and joiners stay with the character before them
            continue
        space = ch.isspace()
        if space and not bidi:  # joins the piece before it
            space, path = False, runs[-1][1] if runs else (fonts[0] if fonts else None)
        else:
            path = (fonts[0] if space else font_for(ch, fonts)) if fonts else None
        if runs and runs[-1][1] == path and runs[-1][2] == space:
            runs[-1][0] += ch
        else:
            runs.append([ch, path, space])
    return [(text, path) for text, path, _ in runs]


def _direction(text: str) -> str | None:
    """'rtl', 'ltr' or None (no strong letter: digits, spaces, emoji) from the first strong character."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _visual_order(runs: list, base: str | None = None) -> list:
    """Order font pieces for display: right-to-left pieces of a line read from the right.

    Within a piece raqm orders and shapes the characters; between pieces the line's own
    direction (its first strong letter) decides, as the Unicode bidi algorithm would for
    whole words."""
    base = base or _direction("".join(text for text, _ in runs)) or "ltr"
    strong = [_direction(text) for text, _ in runs]
    levels = []
    for k, d in enumerate(strong):
        if d is None:  # spaces, digits, emoji: the direction of both neighbours if they agree, else the line's
            before = next((x for x in reversed(strong[:k]) if x), base)
            after = next((x for x in strong[k + 1:] if x), base)
            d = before if before == after else base
        levels.append(d)
    if base == "rtl":
        runs, levels = runs[::-1], levels[::-1]
    out, i = [], 0
    keep = "ltr" if base == "rtl" else "rtl"  # sequences of the other direction are reversed back
    while i < len(runs):
        j = i
        while j < len(runs) and levels[j] == keep:
            j += 1
        if j > i:
            out += runs[i:j][::-1]
            i = j
        else:
            out.append(runs[i])
            i += 1
    return out


def _draw_run(text: str, path: Path | None, size: int, rgb) -> tuple[Image.Image, float, float, float]:
    """One piece as an RGBA image: (image, baseline from its top, its pen origin from its left,
    its advance width)."""
    font, scale = pillow_font(path, size)
    ascent, descent = font.getmetrics()
    left, _, right, _ = font.getbbox(text, anchor="ls")
    advance = font.getlength(text)
    pad = max(0, int(-left)) + 1  # glyphs may reach left of the pen (italic, some marks)
    width = int(np.ceil(max(advance, right))) + 2 * pad
    image = Image.new("RGBA", (max(1, width), max(1, ascent + descent)), (0, 0, 0, 0))
    fill = tuple(int(round(c * 255)) for c in rgb) + (255,)
    ImageDraw.Draw(image).text((pad, ascent), text, font=font, anchor="ls", fill=fill, embedded_color=True)
    if scale != 1.0:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.LANCZOS)
    return image, ascent * scale, pad * scale, advance * scale


@functools.lru_cache(maxsize=4096)
def line_width(text: str, size: int, bold: bool = False) -> float:
    """Width in pixels of one line of text as it would be drawn."""
    fonts = font_files(bold)
    total = 0.0
    for piece, path in _runs(text.lstrip(RLM + LRM), fonts):
        font, scale = pillow_font(path, size)
        total += font.getlength(piece) * scale
    return total


def draw_line(text: str, size: int, rgb, bold: bool = False) -> tuple[Image.Image, float]:
    """One line in every script as an RGBA image and its baseline (pixels from the top).

    A leading right-to-left or left-to-right mark (which `wrap` puts on the later lines of a
    paragraph) sets the line's direction: a wrapped paragraph reads one way throughout."""
    base = {RLM: "rtl", LRM: "ltr"}.get(text[:1])
    text = text.lstrip(RLM + LRM)
    runs = _runs(text, font_files(bold))
    pieces = [_draw_run(piece, path, size, rgb) for piece, path in _visual_order(runs, base)]
    if not pieces:
        return Image.new("RGBA", (1, max(1, int(size * 1.2))), (0, 0, 0, 0)), size
    baseline = max(b for _, b, _, _ in pieces)
    below = max(image.height - b for image, b, _, _ in pieces)
    start = max(origin for _, _, origin, _ in pieces)
    pens, x = [], start
    for _, _, _, advance in pieces:
        pens.append(x)
        x += advance
    width = max(pen - origin + image.width for pen, (image, _, origin, _) in zip(pens, pieces))
    out = Image.new("RGBA", (max(1, int(np.ceil(width))), int(np.ceil(baseline + below))), (0, 0, 0, 0))
    for pen, (image, b, origin, _) in zip(pens, pieces):
        out.alpha_composite(image, (int(round(pen - origin)), int(round(baseline - b))))
    return out, baseline


def wrap(text: str, max_width: float, size: int, max_lines: int, bold: bool = False) -> list[str]:
    """Lines no wider than max_width pixels: broken at spaces, inside words only when a word
    (or a run of CJK, which has no spaces) is wider than a line; at most max_lines, the last
    one ending in … when text was left out."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        first = len(lines)
        line = ""
        for word in re.findall(r"(?:[^\s]|\u00a0)+[^\S\u00a0]*", paragraph):  # no break at a no-break space
            if len(lines) > max_lines:
                break  # the rest is cut anyway: a 10,000-word caption costs no more than a short one
            trial = line + word
            if line and line_width(trial.rstrip(), size, bold) > max_width:
                lines.append(line.rstrip())
                line = ""
                trial = word
            while (len(lines) <= max_lines and len(trial.rstrip()) > 1
                   and line_width(trial.rstrip(), size, bold) > max_width):
                cut = _longest_fit(trial, max_width, size, bold)
                lines.append(trial[:cut])
                trial = trial[cut:]
            line = trial
        if line.strip() or not lines:
            lines.append(line.rstrip())
        mark = RLM if _direction(paragraph) == "rtl" else LRM
        lines[first + 1:] = [mark + later for later in lines[first + 1:]]  # the paragraph's direction
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + ELLIPSIS, max_width, size, bold)
    return lines if any(lines) else []


def _longest_fit(text: str, max_width: float, size: int, bold: bool, end: str = "", least: int = 1) -> int:
    lo, hi = least, len(text)
    while lo < hi:  # the longest prefix that fits, by halving: long words cost log(n) measurements
        mid = (lo + hi + 1) // 2
        if line_width(text[:mid] + end, size, bold) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def shorten(text: str, max_width: float, size: int, bold: bool = False) -> str:
    """One line that fits: the text itself, or its start and …"""
    text = text.replace("\n", " ")
    if line_width(text, size, bold) <= max_width:
        return text
    body = text.removesuffix(ELLIPSIS)
    return body[:_longest_fit(body, max_width, size, bold, end=ELLIPSIS, least=0)].rstrip() + ELLIPSIS


@dataclass(frozen=True)
class TextStyle:
    size: int  # pixels
    rgb: tuple = (0.96, 0.96, 0.96)
    bold: bool = False
    shadow: bool = True
    panel: tuple | None = None  # (rgb, opacity) of a box behind the text
    line_spacing: float = 1.15


def block_height(lines: int, style: TextStyle) -> float:
    """Pixels that `lines` lines of text take in render_block (for laying out around them)."""
    if lines <= 0:
        return 0.0
    fonts = font_files(style.bold)
    ascent, descent = pillow_font(fonts[0] if fonts else None, style.size)[0].getmetrics()
    pad = max(2, style.size // 4) if style.panel else 0
    shadow = max(1, style.size // 18) if style.shadow else 0
    return _line_step(style) * (lines - 1) + ascent + descent + 2 * pad + shadow


def _line_step(style: TextStyle) -> int:
    return int(round(style.size * style.line_spacing * 1.2))


# The same words come back: overlays rebuilt on a resize, and every pass of a playing loop (the
# clock, the labels' percentages: ~1,000 texts for a long loop, ~20 kB each; fewer than that
# and a loop pushes out each text just before it is needed again).
@functools.lru_cache(maxsize=2048)
def render_block(text: str, style: TextStyle, align: str = "left") -> np.ndarray:
    """Lines of text as an RGBA array (h, w, 4), top row first; read-only (it is shared)."""
    lines = [draw_line(line, style.size, style.rgb, style.bold) for line in text.split("\n")]
    step = _line_step(style)
    pad = max(2, style.size // 4) if style.panel else 0
    shadow = max(1, style.size // 18) if style.shadow else 0
    width = max(image.width for image, _ in lines) + 2 * pad + shadow
    height = step * (len(lines) - 1) + lines[-1][0].height + 2 * pad + shadow
    if style.panel:
        rgb, opacity = style.panel
        canvas = Image.new("RGBA", (width, height), tuple(int(round(c * 255)) for c in rgb)
                           + (int(round(opacity * 255)),))
    else:
        canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    for k, (image, _) in enumerate(lines):
        x = {"left": pad, "right": width - pad - shadow - image.width,
             "centre": (width - shadow - image.width) // 2}[align]
        y = pad + k * step
        if shadow:  # a soft dark copy below-right keeps light text readable on light bones
            dark = Image.new("RGBA", image.size, (0, 0, 0, 0))
            dark.putalpha(image.getchannel("A").point(lambda a: a * 3 // 4))
            canvas.alpha_composite(dark, (x + shadow, y + shadow))
        canvas.alpha_composite(image, (x, y))
    pixels = np.asarray(canvas)
    pixels.flags.writeable = False
    return pixels


class TextActor(vtkActor2D):
    """A 2-D text actor for any script, placed like vtkTextActor (display pixels, justified).

    SetInput/GetInput as vtkTextActor; the picture is redrawn only when the text changes."""

    def __init__(self, style: TextStyle, at: tuple[float, float], horizontal: str = "left",
                 vertical: str = "bottom"):
        super().__init__()
        self.style, self.at, self.horizontal, self.vertical = style, at, horizontal, vertical
        self._text = None
        self._image = vtkImageData()
        self._mapper = vtkImageMapper()
        self._mapper.SetColorWindow(255)
        self._mapper.SetColorLevel(127.5)
        self._mapper.SetInputData(self._image)
        self.SetMapper(self._mapper)
        self.size_px = (0, 0)
        self.SetInput("")

    def GetInput(self) -> str:  # noqa: N802 (VTK's naming)
        return self._text

    def SetInput(self, text: str) -> None:  # noqa: N802
        text = text or ""
        if text == self._text:
            return
        self._text = text
        if not text.strip():
            self.size_px = (0, 0)
            super().SetVisibility(False)
            return
        pixels = render_block(text, self.style, self.horizontal)
        h, w = pixels.shape[:2]
        rows = np.ascontiguousarray(pixels[::-1]).reshape(-1, 4)  # VTK images start at the bottom row
        self._image.SetDimensions(w, h, 1)
        array = numpy_to_vtk(rows, deep=True)
        array.SetNumberOfComponents(4)
        self._image.GetPointData().SetScalars(array)
        self._image.Modified()
        self.size_px = (w, h)
        self.place(*self.at)
        super().SetVisibility(self._shown)

    def place(self, x: float, y: float) -> None:
        """Move the text's anchor point (display pixels) as its justification says."""
        self.at = (x, y)
        w, h = self.size_px
        x -= {"left": 0, "right": w, "centre": w / 2}[self.horizontal]
        y -= {"bottom": 0, "top": h, "centre": h / 2}[self.vertical]
        self.SetPosition(x, y)

    _shown = True

    def SetVisibility(self, visible) -> None:  # noqa: N802: hidden stays hidden across SetInput
        self._shown = bool(visible)
        super().SetVisibility(bool(visible) and bool((self._text or "").strip()))
