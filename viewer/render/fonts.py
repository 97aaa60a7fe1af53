"""Fonts for every script: which installed font draws each character.

Debian's fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji (scripts/setup.sh) cover
Latin, Greek, Cyrillic, Arabic, Hebrew, CJK and emoji; MUSCLE_VIEWER_FONTS adds folders. No VTK
here, so `validate` can check a scenario's words without starting a renderer.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from PIL import ImageFont, features

# Fonts tried in order for each character; the first that has it draws it.
REGULAR = ("NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
           "NotoSansCJK-Regular.ttc", "NotoSansDevanagari-Regular.ttf", "NotoSansThai-Regular.ttf",
           "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "DejaVuSans.ttf",
           "NotoColorEmoji.ttf")
BOLD = ("NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf", "NotoSansCJK-Bold.ttc",
        "NotoSansDevanagari-Bold.ttf", "NotoSansThai-Bold.ttf", "DejaVuSans-Bold.ttf") + REGULAR
FONT_DIRS = ("~/.local/share/fonts", "~/.fonts", "/usr/local/share/fonts", "/usr/share/fonts")
BITMAP_EMOJI_SIZE = 109  # Noto Color Emoji holds bitmaps of this one size; they are scaled


def can_shape() -> bool:
    """True when Pillow has raqm: Arabic joins and right-to-left text reads in order."""
    return bool(features.check("raqm"))


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, Path]:
    extra = [d for d in os.environ.get("MUSCLE_VIEWER_FONTS", "").split(os.pathsep) if d]
    found: dict[str, Path] = {}
    for folder in [*extra, *FONT_DIRS]:
        root = Path(folder).expanduser()
        if root.is_dir():
            for path in sorted(root.rglob("*.tt[fc]")) + sorted(root.rglob("*.otf")):
                found.setdefault(path.name, path)
    return found


def font_files(bold: bool = False) -> list[Path]:
    """The installed fonts of the chain, in the order they are tried."""
    names = BOLD if bold else REGULAR
    seen, out = set(), []
    for name in names:
        path = _installed().get(name)
        if path is not None and path not in seen:
            seen.add(path)
            out.append(path)
    return out


@functools.lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@functools.lru_cache(maxsize=64)
def pillow_font(path: Path | None, size: int) -> tuple[ImageFont.FreeTypeFont, float]:
    """(Pillow font, scale to apply to what it draws): bitmap emoji are drawn big and shrunk."""
    engine = ImageFont.Layout.RAQM if can_shape() else ImageFont.Layout.BASIC
    if path is None:
        return ImageFont.load_default(size), 1.0
    try:
        return ImageFont.truetype(str(path), size, layout_engine=engine), 1.0
    except OSError:  # a bitmap-only font refuses other sizes
        return ImageFont.truetype(str(path), BITMAP_EMOJI_SIZE, layout_engine=engine), size / BITMAP_EMOJI_SIZE


def font_for(ch: str, fonts: list[Path]) -> Path | None:
    code = ord(ch)
    for path in fonts:
        if code in _cmap(path):
            return path
    return None


def missing_characters(text: str) -> str:
    """The characters of `text` that no installed font can draw (they would be left out of a frame)."""
    fonts = font_files()
    out = []
    for ch in dict.fromkeys(text or ""):
        if ch.isspace() or ord(ch) < 0x20 or _zero_width(ch):
            continue
        if font_for(ch, fonts) is None and ch not in out:
            out.append(ch)
    return "".join(out)


def _zero_width(ch: str) -> bool:
    """Marks and joiners that never need a glyph of their own."""
    return 0x200B <= ord(ch) <= 0x200F or 0xFE00 <= ord(ch) <= 0xFE0F or 0x2060 <= ord(ch) <= 0x206F
