"""Batch plan files: which scenarios, views, sizes, colours and outputs a library is made of.

A plan is YAML (format 1, JSON Schema in scenarios/plans/plan.schema.json); every problem is
one line naming the file, the line and the key, as scenario files do. `expand` turns a plan
into jobs, one per output file, with readable names: `leg_raise/left-slide.mp4`.
"""
from __future__ import annotations

import glob
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from viewer.core.base import limits
from viewer.core.base.errors import Problem, ScenarioError, ViewerError, display_path, suggest
from viewer.core.base.yamlsrc import Located, ProblemCollector, read_yaml, top_mapping
from viewer.core.base.yamlsrc import describe as _kind  # a wrong value's kind, as scenarios say it

FORMAT = 1
TOP_KEYS = ("format", "title", "scenarios", "views", "sizes", "colours", "outputs", "video", "still", "page")
VIDEO_KEYS = ("fps", "speed", "loops", "orbit", "muscles")
STILL_KEYS = ("muscles", "transparent")
PAGE_KEYS = ("note",)
FORMATS = ("mp4", "gif", "png", "html")
OWN = "scenario"  # in views and colours: each scenario file's own
NAMED_TIMES = ("start", "middle", "end", "phase-ends")
PHASE_END = re.compile(r"^phase-(\d+)-end$")
NAME_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DEFAULT_SIZES = {"720p": "1280x720"}
MAX_JOBS = 100_000


@dataclass(frozen=True)
class Still:
    """A still's time as the plan names it: seconds, start/middle/end, phase-ends, phase-N-end."""

    text: str
    file: str = ""  # the plan file and line it is written on, for messages
    line: int | None = None

    def times(self, scenario) -> list[tuple[str, float]]:
        """(name part, seconds) of each still this time makes for one scenario."""
        duration = scenario.duration
        if self.text == "start":
            return [("start", 0.0)]
        if self.text == "middle":
            return [("middle", duration / 2)]
        if self.text == "end":
            return [("end", duration)]
        if self.text == "phase-ends":
            return [(f"phase-{i + 1}-end", p.end) for i, p in enumerate(scenario.phases)]
        match = PHASE_END.match(self.text)
        if match:
            index = int(match.group(1))
            if not 1 <= index <= len(scenario.phases):
                raise ScenarioError([Problem(self.file, self.line, f"{self.text}: {_shown(scenario)} has "
                                                                   f"{len(scenario.phases)} phases")])
            return [(self.text, scenario.phases[index - 1].end)]
        seconds = float(self.text)
        if seconds > duration:
            raise ScenarioError([Problem(self.file, self.line, f"a still at {seconds:g} s is after the end of "
                                                               f"{_shown(scenario)} ({duration:g} s)")])
        return [(f"at-{seconds:g}s", seconds)]


def _shown(scenario) -> str:
    return display_path(scenario.path) if scenario.path else scenario.name


@dataclass
class Plan:
    file: str
    folder: Path
    title: str
    scenarios: list[Path]
    views: list[str]
    sizes: dict[str, str]
    colours: list[str]
    formats: list[str]
    stills: list[Still]
    video: dict = field(default_factory=dict)
    still: dict = field(default_factory=dict)
    page: dict = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)  # each scenario's (resolved) line in the plan


def load_plan(path: str | Path) -> Plan:
    return parse_plan(read_yaml(path), Path(path))


def parse_plan(src: Located, path: Path) -> Plan:
    from viewer.core.analysis.colour import SOURCES
    from viewer.core.view.viewstate import VIEWS

    c = ProblemCollector(src)
    data = top_mapping(c, TOP_KEYS, "plan", "'scenarios' and 'outputs'", FORMAT)
    title = data.get("title", "")
    if not isinstance(title, str):
        c.add(("title",), f"'title' must be text, not {_kind(title)}")
        title = ""
    folder = path.parent
    lines: dict[str, int | None] = {}
    scenarios = _scenarios(c, data.get("scenarios"), folder, lines)
    views = _names(c, data.get("views", [OWN]), ("views",), (OWN, *VIEWS))
    colours = _names(c, data.get("colours", [OWN]), ("colours",), (OWN, *SOURCES))
    sizes = _sizes(c, data.get("sizes", DEFAULT_SIZES))
    formats, stills = _outputs(c, data.get("outputs"))
    video = _options(c, data.get("video", {}), ("video",), VIDEO_KEYS)
    still = _options(c, data.get("still", {}), ("still",), STILL_KEYS)
    page = _options(c, data.get("page", {}), ("page",), PAGE_KEYS)
    if c.problems:
        raise ScenarioError(c.problems)
    return Plan(display_path(path), folder, title, scenarios, views, sizes, colours, formats, stills,
                video, still, page, lines)


def _list(c: ProblemCollector, value, path: tuple, what: str) -> list:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]  # one item may be written without brackets
    if not isinstance(value, list) or not value:
        c.add(path, f"'{path[-1]}' must be a list of {what}, not {_kind(value) if value != [] else 'an empty list'}")
        return []
    return value


def _scenarios(c: ProblemCollector, raw, folder: Path, lines: dict[str, int | None]) -> list[Path]:
    """The scenario files in order, each once; `lines` gets the plan line that named each."""
    if raw is None:
        c.add((), "'scenarios' is required: the scenario files (paths or globs, relative to the plan)")
        return []
    found: list[Path] = []
    for i, item in enumerate(_list(c, raw, ("scenarios",), "scenario paths or globs")):
        if not isinstance(item, str) or not item:
            c.add(("scenarios", i), f"scenarios[{i}] must be a path or a glob, not {_kind(item)}")
            continue
        pattern = Path(item) if Path(item).is_absolute() else folder / item
        if glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True) if p.endswith((".yaml", ".yml")))
            if not matches:
                c.add(("scenarios", i), f"'{item}' matches no scenario file (.yaml)")
        else:
            matches = [pattern]
            if not pattern.is_file():
                c.add(("scenarios", i), f"scenario '{item}' not found (looked for {display_path(pattern)})")
                continue
        for match in matches:
            if str(match.resolve()) not in lines:
                found.append(match)
                lines[str(match.resolve())] = c.src.line("scenarios", i)
    stems: dict[str, Path] = {}
    for p in found:
        if p.stem in stems:
            c.add(("scenarios",), f"two scenarios are named '{p.stem}' ({display_path(stems[p.stem])} and "
                                  f"{display_path(p)}): outputs are named after the file, so rename one")
        stems[p.stem] = p
    return found


def _names(c: ProblemCollector, raw, path: tuple, allowed: tuple) -> list[str]:
    out = []
    for i, item in enumerate(_list(c, raw, path, f"names ({', '.join(allowed)})")):
        if item not in allowed:
            c.add(path + (i,), f"{path[0]}[{i}] must be one of {', '.join(allowed)}, not '{item}'"
                               f"{suggest(str(item), allowed)}")
        elif item not in out:
            out.append(item)
    return out


def _sizes(c: ProblemCollector, raw) -> dict[str, str]:
    if isinstance(raw, list):  # [1280x720, 640x360]: each named by itself
        raw = {str(item): item for item in raw}
    if not isinstance(raw, dict) or not raw:
        c.add(("sizes",), f"'sizes' must map names to sizes, e.g. {{slide: 1280x720}}, not {_kind(raw)}")
        return {}
    out = {}
    for name, value in raw.items():
        path = ("sizes", name)
        if not isinstance(name, str) or not NAME_PART.match(name):
            c.add(path, f"size name '{name}' must be letters, digits, '-', '_' or '.' (it is part of file names)")
            continue
        text = str(value)
        try:
            w, h = (int(p) for p in text.lower().replace("×", "x").split("x"))
            limits.image_size(w, h, text)
        except ValueError:
            c.add(path, f"sizes.{name} must be WIDTHxHEIGHT, e.g. 1280x720, not '{text}'")
            continue
        except ViewerError as exc:  # limits' own one-line reason (too large, too small)
            c.add(path, f"sizes.{name}: {exc.problems[0].message}")
            continue
        out[name] = f"{w}x{h}"
    return out


def _outputs(c: ProblemCollector, raw) -> tuple[list[str], list[Still]]:
    if raw is None:
        c.add((), "'outputs' is required: any of mp4, gif, html and {png: [times]}")
        return [], []
    formats: list[str] = []
    stills: list[Still] = []
    for i, item in enumerate(_list(c, raw, ("outputs",), "formats")):
        path = ("outputs", i)
        if isinstance(item, dict):
            if list(item) != ["png"]:
                keys = ", ".join(map(str, item))
                c.add(path, f"outputs[{i}]: a mapping here is {{png: [times]}}, not {{{keys}}}"
                            f"{suggest(str(next(iter(item), '')), ('png',))}")
                continue
            times = _list(c, item["png"], path + ("png",), "still times")
            for k, t in enumerate(times):
                still = _still(c, t, path + ("png", k))
                if still and still not in stills:
                    stills.append(still)
            if times and "png" not in formats:
                formats.append("png")
        elif item == "png":
            c.add(path, "outputs: 'png' needs its times, e.g. {png: [phase-1-end, 1.5]} "
                        f"(seconds or {', '.join(NAMED_TIMES)}, phase-N-end)")
        elif item in FORMATS:
            if item not in formats:
                formats.append(item)
        else:
            c.add(path, f"outputs[{i}] must be one of mp4, gif, html or {{png: [times]}}, not '{item}'"
                        f"{suggest(str(item), ('mp4', 'gif', 'html'))}")
    return formats, stills


def _still(c: ProblemCollector, value, path: tuple) -> Still | None:
    line = c.src.line(*path)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or value < 0 or value > limits.DURATION_S:
            c.add(path, f"a still's time must be 0…{limits.DURATION_S:g} seconds, not {value}")
            return None
        return Still(f"{float(value):g}", c.src.file, line)
    if isinstance(value, str) and (value in NAMED_TIMES or PHASE_END.match(value)):
        return Still(value, c.src.file, line)
    c.add(path, f"a still's time is seconds, {', '.join(NAMED_TIMES)} or phase-N-end, not {_kind(value)}"
                f"{suggest(str(value), NAMED_TIMES)}")
    return None


def _options(c: ProblemCollector, raw, path: tuple, allowed: tuple) -> dict:
    if not isinstance(raw, dict):
        c.add(path, f"'{path[0]}' must be a mapping of options ({', '.join(allowed)}), not {_kind(raw)}")
        return {}
    c.keys(raw, allowed, path, f"'{path[0]}'")
    out = {}
    for key, value in raw.items():
        if key not in allowed:
            continue
        where = path + (key,)
        if key == "muscles":
            if value not in ("shapes", "lines"):
                c.add(where, f"{path[0]}.muscles must be shapes or lines, not '{value}'")
                continue
        elif key == "note":
            if not isinstance(value, str):
                c.add(where, f"page.note must be text, not {_kind(value)}")
                continue
        elif key == "transparent":
            if not isinstance(value, bool):
                c.add(where, f"still.transparent must be true or false, not {_kind(value)}")
                continue
        elif key == "loops":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limits.LOOPS:
                c.add(where, f"video.loops must be a whole number 1…{limits.LOOPS}, not {_kind(value)}")
                continue
        else:  # fps, speed, orbit
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            if not ok or (key != "orbit" and value <= 0) or (key == "fps" and value > limits.FPS) \
                    or abs(value) > limits.NUMBER:
                rule = {"fps": f"a number of frames per second, 0…{limits.FPS:g}", "speed": "a positive number",
                        "orbit": "a number of degrees"}[key]
                c.add(where, f"{path[0]}.{key} must be {rule}, not {_kind(value)}")
                continue
            value = float(value)
        out[key] = value
    return out
