"""Captions that stay true: written from the numbers, checked against them, live placeholders.

- `generated_caption` writes a phase's caption from what its keyframes do and what the
  lengths show ("Right hip flexion to 60°: the right iliacus and psoas major shorten by 18.9 %
  and 12.5 % ..."), with the numbers `muscle-viewer summary` prints.
- `stale_captions` finds captions quoting a % or ° that the phase's numbers no longer contain.
- `caption_text` fills placeholders such as `{iliacus_r.change}` with the current value.
Needs a Kinematics object (duck-typed: `sample`, `model`, `scenario`), imports no MuJoCo itself,
so the render layer may ask it for the caption to draw (`caption_check` builds what needs MuJoCo).
"""
from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass

import numpy as np

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.-]*?)\.(change)\}")
QUOTED = re.compile(r"(\d+(?:\.\d+)?)\s?(%|°)")
# a joint named as what moves, before a movement verb in the same clause: "the right hip and knee bend"
JOINT_WORD = re.compile(r"\b(hip|knee|elbow|shoulder|ankle|wrist|trunk)s?\b", re.IGNORECASE)
MOVE_VERB = re.compile(r"\b(bends?|straightens?|flex(?:es)?|extends?|rises?|lifts?|curls?)\b", re.IGNORECASE)
MOVED_DEGREES = 2.0  # a joint turning less than this over a phase does not "bend"
QUOTED_SHORTENING = 2  # muscles named per direction in a generated caption
_ends: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # kin → {(start, end): (lengths, qpos)}


@dataclass(frozen=True)
class StaleCaption:
    phase: int  # index into scenario.phases
    message: str


# --- the numbers of one phase ---------------------------------------------------------------------
def _at_ends(kin, start: float, end: float):
    cache = _ends.setdefault(kin, {})
    if (start, end) not in cache:
        frames = kin.sample([start, end])
        cache[(start, end)] = (np.asarray(frames.lengths), np.asarray(frames.qpos))
    return cache[(start, end)]


def muscle_change(kin, phase, muscle: str) -> float | None:
    """% length change of one muscle over the phase (as `summary` computes it)."""
    index = kin.model.muscle_index.get(muscle)
    if index is None:
        return None
    lengths, _ = _at_ends(kin, phase.start, phase.end)
    return float((lengths[1, index] / lengths[0, index] - 1.0) * 100.0)


def key_values(kin, phase, name: str) -> tuple[float, float] | None:
    """A pose key's value (user units, flexion-positive for aliases) at the start and end of the phase."""
    model = kin.model
    if name in model.aliases:
        joint, sign = next(iter(model.aliases[name].joints.items()))
    elif name in model.poseable:
        joint, sign = name, 1.0
    else:
        return None
    j = model.joints[joint]
    _, qpos = _at_ends(kin, phase.start, phase.end)
    a, b = (float(j.to_user(qpos[k, j.qposadr])) / sign for k in (0, 1))
    return a + 0.0, b + 0.0


def placeholder_value(kin, phase, name: str) -> str | None:
    change = muscle_change(kin, phase, name)
    if change is not None:
        return f"{change:+.1f} %"
    values = key_values(kin, phase, name)
    if values is not None:
        unit = kin.model.joints[_first_joint(kin.model, name)].unit
        return f"{values[1] - values[0]:+.1f}{unit}"
    return None


def _first_joint(model, name: str) -> str:
    return next(iter(model.aliases[name].joints)) if name in model.aliases else name


def caption_text(kin, phase) -> str:
    """The caption to show for a phase, placeholders filled with the current numbers."""
    caption = phase.caption if phase is not None else ""
    if "{" not in caption:
        return caption

    def fill(match):
        value = placeholder_value(kin, phase, match.group(1))
        return value if value is not None else match.group(0)

    return PLACEHOLDER.sub(fill, caption)


def unknown_placeholders(scenario, model) -> list[tuple[int, str]]:
    """(phase index, name) of each placeholder naming neither a muscle nor a pose key."""
    known = set(model.muscle_index) | set(model.aliases) | set(model.poseable)
    return [(i, m.group(1)) for i, p in enumerate(scenario.phases)
            for m in PLACEHOLDER.finditer(p.caption) if m.group(1) not in known]


# --- generated captions ---------------------------------------------------------------------------
def movement_text(kin, phase) -> str:
    """'Right hip flexion to 60°' from the keys that change over the phase; '' when none does."""
    named = list(dict.fromkeys(k for key in kin.scenario.keyframes for k in key.pose))
    parts = []
    for name in named:
        values = key_values(kin, phase, name)
        if values is None or abs(values[1] - values[0]) < 0.5:
            continue
        label = spoken_name(name)
        unit = kin.model.joints[_first_joint(kin.model, name)].unit.strip() or "°"
        back = abs(values[1]) < abs(values[0])
        parts.append(f"{label} {'back ' if back else ''}to {values[1]:g}{unit}" if unit == "°"
                     else f"{label} to {values[1]:g} {unit}")
    return "; ".join(parts)


def spoken_name(name: str) -> str:
    """'hip_flexion_r' → 'Right hip flexion'."""
    side = {"_r": "right ", "_l": "left "}.get(name[-2:], "")
    words = (name[:-2] if side else name).replace("_", " ")
    return (side + words).capitalize()


def _named(movers) -> str:
    """'the right iliacus and psoas major' from movers of one side."""
    sides = {m.label.rsplit(", ", 1)[-1] if "(right and left)" not in m.label else "both" for m in movers}
    side = sides.pop() if len(sides) == 1 else ""
    names = []
    for m in movers:
        name = m.label.replace(" (right and left)", "")
        if name.endswith(", right") or name.endswith(", left"):
            name = name.rsplit(", ", 1)[0]
        base, _, part = name.partition(", ")
        names.append(base.lower() + (f" ({part})" if part else ""))
    prefix = {"right": "the right ", "left": "the left "}.get(side, "the ")
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return prefix + joined + (" on both sides" if side == "both" else "")


def _numbers(movers) -> str:
    values = [f"{abs(m.change):.1f} %" for m in movers]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def generated_caption(kin, summary) -> str:
    """A caption for one phase from its PhaseSummary and the motion of its keyframes."""
    phase = next(p for p in kin.scenario.phases if p.start == summary.start and p.end == summary.end)
    movement = movement_text(kin, phase)
    focus = set(kin.scenario.focus)
    shortening = [m for m in summary.shortening if not focus or m.group in focus] or summary.shortening
    shortening = shortening[:QUOTED_SHORTENING]
    lengthening = summary.lengthening[:1]
    if not movement:
        return "The pose is held: no muscle changes length while it is held. That says nothing about how hard they work."
    if not (shortening or lengthening):
        return f"{movement}: no muscle changes its length noticeably. That says nothing about how hard they work."
    said = []
    if shortening:
        said.append(f"{_named(shortening)} {'shorten' if len(shortening) > 1 else 'shortens'} by "
                    f"{_numbers(shortening)}")
    if lengthening:
        verb = "are" if len(lengthening) > 1 else "is"
        said.append(f"{_named(lengthening)} {verb} stretched by {_numbers(lengthening)}")
    return f"{movement}: " + "; ".join(said) + "."


# --- checks -------------------------------------------------------------------------------------------
def _close(quoted: str, values) -> bool:
    """A quoted number matches a value at the precision it was written with."""
    q = float(quoted)
    tolerance = 0.051 if "." in quoted else 1.0  # "12 %" may be a rounded or 'about' figure
    return any(abs(abs(v) - q) <= tolerance for v in values)


def stale_captions(kin) -> list[StaleCaption]:
    """Captions quoting a % or ° that their phase's numbers do not contain any more."""
    scenario, model = kin.scenario, kin.model
    out = []
    names = list(model.aliases) + list(model.poseable)
    for i, phase in enumerate(scenario.phases):
        text = PLACEHOLDER.sub("", phase.caption)  # live values are true by construction
        quoted = QUOTED.findall(text)
        still = _still_joints(kin, phase, names, text)
        if still:
            out.append(StaleCaption(i, f"caption of phase '{phase.name}' says the {still} moves, but it does not "
                                       f"move in this phase: it may be stale (the editor's Regenerate from the "
                                       f"numbers rewrites it)"))
            continue
        if not quoted:
            continue
        lengths, _ = _at_ends(kin, phase.start, phase.end)
        changes = (lengths[1] / lengths[0] - 1.0) * 100.0
        angles = [v for name in names if (ends := key_values(kin, phase, name)) for v in ends]
        angles += [v for key in scenario.keyframes if phase.start - 1e-9 <= key.time <= phase.end + 1e-9
                   for v in key.pose.values()]
        for number, unit in quoted:
            values = changes if unit == "%" else angles
            if not _close(number, values):
                what = "muscle changes length by" if unit == "%" else "joint is at"
                out.append(StaleCaption(i, f"caption of phase '{phase.name}' says {number}{' ' if unit == '%' else ''}"
                                           f"{unit}, but no {what} that in this phase: it may be stale "
                                           f"(the editor's Regenerate from the numbers rewrites it)"))
                break
    return out



def _still_joints(kin, phase, names: list[str], text: str) -> str:
    """The first joint word the caption says moves while no joint of that name turns in the phase."""
    words = []
    for clause in re.split(r"[.;:]\s", text):
        verb = MOVE_VERB.search(clause)
        if verb:
            words += [m.group(1).lower() for m in JOINT_WORD.finditer(clause[:verb.start()])]
    for word in dict.fromkeys(words):
        moving = [n for n in names if word in n.lower() and (ends := key_values(kin, phase, n))
                  and abs(ends[1] - ends[0]) >= MOVED_DEGREES]
        if word == "trunk":  # the trunk is the lumbar spine in the model's names
            moving += [n for n in names if n in ("flex_extension", "lat_bending", "axial_rotation")
                       and (ends := key_values(kin, phase, n)) and abs(ends[1] - ends[0]) >= MOVED_DEGREES]
        if not moving:
            return word
    return ""


# --- what a caption says each muscle does -----------------------------------------------------------
# Short forms captions use, beside the catalogue's names.
GROUP_WORDS = {"glutes": ["gluteals"], "calf": ["calves", "calf muscles"], "abdominals": ["abs"],
               "arm flexors": ["elbow flexors"], "arm extensors": ["elbow extensors"]}
MUSCLE_WORDS = {"internal oblique": ["obliques"], "external oblique": ["obliques", "external obliques"],
                "vastus medialis": ["vasti"], "vastus lateralis": ["vasti"], "vastus intermedius": ["vasti"],
                "biceps brachii": ["biceps"]}
# First words that name more than one muscle: 'biceps' (brachii or femoris), 'extensor', 'flexor', ...
AMBIGUOUS_FIRST_WORDS = {"biceps", "extensor", "flexor", "gluteus", "vastus", "rectus", "tibialis", "peroneus",
                         "adductor", "abductor", "internal", "external", "pectoralis", "teres", "longissimus",
                         "iliocostalis", "opponens", "palmaris", "pronator", "quadratus", "tensor", "latissimus"}


# Phrases that state a direction of length change, checked in this order (a 'keeps its length'
# must not read as 'length...'). 'holds' covers every way of saying the length does not change.
DIRECTIONS = (
    ("holds", r"keeps? (?:its|their) length|(?:not|never|hardly|barely|n't) (?:yet )?(?:change[sd]?|changing)"
              r"(?: (?:its|their))?(?: length)?|(?:hardly|barely) changes?|same length|length holds"),
    ("shortens", r"shorten(?:s|ed|ing)?|contract(?:s|ed|ing)?|at (?:its|their) shortest"),
    ("lengthens", r"lengthen(?:s|ed|ing)?|stretch(?:es|ed|ing)?|at (?:its|their) longest"),
)
_DIRECTION = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in DIRECTIONS), re.IGNORECASE)
_SIDE = re.compile(r"\b(left|right)\b|\b(back|front)\b(?! of\b| extensors?\b| muscles?\b|\))", re.IGNORECASE)


def _name_spans(text: str, model) -> list[tuple[int, set]]:
    """(position, model indices) of every muscle or group the text names."""
    spans = []
    lowered = text.lower()
    for words, indices in _name_forms(model):
        for m in re.finditer(rf"\b{re.escape(words)}s?\b", lowered):
            spans.append((m.start(), indices))
    return sorted(spans, key=lambda s: s[0])


@functools.lru_cache(maxsize=8)
def _name_forms_cached(model_id: int, model) -> tuple:
    forms: dict[str, set] = {}
    for group in model.groups:
        for w in [group] + GROUP_WORDS.get(group, []):
            forms.setdefault(w, set()).update(m.index for m in model.muscles_in(group))
    for m in model.muscles:
        base = m.lay_name.split(",")[0].lower()
        words = {base} | set(MUSCLE_WORDS.get(base, []))
        if base.split()[0] not in AMBIGUOUS_FIRST_WORDS:
            words.add(base.split()[0])
        base_, _, part = m.lay_name.lower().partition(", ")
        if part and ("head" in part or "part" in part):  # 'the long head of biceps femoris', 'the front of the deltoid'
            for name in {part, part.split()[0]}:
                words |= {f"{name} of the {base_}", f"{name} of {base_}"}
        for w in words:
            forms.setdefault(w, set()).add(m.index)
    # longest first: 'rectus femoris' is found before 'rectus'
    return tuple(sorted(((w, frozenset(i)) for w, i in forms.items()), key=lambda f: -len(f[0])))


def _name_forms(model) -> tuple:
    return _name_forms_cached(id(model), model)


def caption_claims(caption: str, model, legs: dict | None = None) -> dict[int, set]:
    """Model index → the directions ('shortens', 'lengthens', 'holds') a caption states for it.

    Sentence by sentence (split at . ; :), a named muscle or group takes the first direction
    stated after it, or else the last one before it ('..., and so are the triceps'); names in
    brackets go with the name before them ('the hip flexors (iliacus, psoas) shorten'); a
    'left'/'right' before a name limits it to that side, as does 'back leg'/'front leg' in a split
    stance (legs: {'left': 'back leg', ...}, movers.PhaseMovers.legs)."""
    by_leg = {words.split()[0]: side for side, words in (legs or {}).items()}
    claims: dict[int, set] = {}
    for sentence in re.split(r"[.;:](?:\s|$)", caption or ""):
        flat = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), sentence)  # brackets out, places kept
        directions = [(m.start(), m.lastgroup) for m in _DIRECTION.finditer(flat)]
        if not directions:
            continue
        taken = []  # (start, end) of names already claimed (a longer name wins over its words)
        for start, indices in _name_spans(sentence, model):
            if any(a <= start < b for a, b in taken):
                continue
            inside = flat[start] == " " and sentence[start] != " "
            after = [d for p, d in directions if p > start]
            before = [d for p, d in directions if p < start]
            direction = after[0] if after else before[-1]
            if inside:  # in brackets: the direction of the name before the bracket
                opening = sentence.rfind("(", 0, start)
                after = [d for p, d in directions if p > opening]
                direction = after[0] if after else before[-1] if before else direction
            word_end = start + len(next(w for w, i in _name_forms(model) if i == indices and
                                        sentence.lower().startswith(w, start)))
            taken.append((start, word_end))
            last_direction = max([p for p, _ in directions if p < start], default=-1)
            sides = [(m.group(1) or by_leg.get(m.group(2).lower(), "")).lower()
                     for m in _SIDE.finditer(flat[last_direction + 1:start])]
            sides = [s for s in sides if s]
            for i in indices:
                if sides and model.muscles[i].side not in (sides[-1], ""):
                    continue
                claims.setdefault(i, set()).add(direction)
    return claims
