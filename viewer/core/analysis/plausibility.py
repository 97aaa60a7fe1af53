"""Does the motion look like a person could do it? Warnings for authors (`validate`, `--strict`).

Checks over the sampled motion: a bone through the floor or a mat/bench top, a contact the
scenario asks for that is lost, a joint parked at the end of its range for long, and the stance
and equipment a trainer would correct (core/motion/stance.py: feet flat, bar to the chest, dumbbell in
the hand, pelvis on its seat, no muscle through the mat).
Each warning is one line with the time it starts; geometry comes from the same frames the
renderer draws.
"""
from __future__ import annotations

import numpy as np

from ..base.errors import Problem
from ..motion.stance import Finding, spans, when_text, measure_stance

THROUGH = 0.005  # metres a bone may dip below a surface (skin and rounding)
LOST = 0.02  # metres a contact may drift before it counts as lost
AT_LIMIT = 1.0  # degrees from a range end that count as "at the limit"
LONG = 1.0  # seconds at a limit that count as "for long"
FPS = 20
SURFACE_PROPS = ("floor_mat", "bench")
PAD = 0.05  # metres of a surface prop's top that a bone must not enter




def bone_heights(kin, frames, stride: int = 4) -> tuple[np.ndarray, list[np.ndarray]]:
    """Bone vertices in the world per frame: (body of each bone geom, list of (F, n, 3))."""
    model = kin.model
    bodies, verts = [], []
    for g, geom in enumerate(model.bone_geoms):
        v, _ = model.bone_mesh(geom)
        v = v[::stride]
        verts.append(np.einsum("fij,nj->fni", frames.geom_mat[:, g], v) + frames.geom_pos[:, g][:, None])
        bodies.append(model.bone_body(geom))
    return np.array(bodies), verts


def check_motion(kin, fps: float = FPS) -> list[Finding]:
    """Every plausibility warning of a scenario's motion, in time order."""
    from ..scenario.props import Props

    if not kin.free_root:
        return []
    frames = kin.sample(kin.times(fps))
    out: list[Finding] = list(measure_stance(kin, frames).findings)
    times = frames.times
    model = kin.model
    props = Props(kin)
    floor = props.floor_level()
    surfaces = []
    for p, T in props._still.items():
        if props.specs[p].mesh in SURFACE_PROPS:
            v = props.world_vertices(p, T)
            surfaces.append((props.specs[p].mesh, v[:, 2].max(), v[:, :2].min(axis=0), v[:, :2].max(axis=0)))
    bodies, verts = bone_heights(kin, frames)
    depth: dict[tuple[str, str], np.ndarray] = {}
    for b, v in zip(bodies, verts):
        key = (model.body_name(int(b)), "the floor")
        below = floor - v[..., 2].min(axis=1)
        depth[key] = np.maximum(depth.get(key, below), below)
        for name, top, lo, hi in surfaces:
            inside = np.all((v[..., :2] >= lo) & (v[..., :2] <= hi), axis=2) & (v[..., 2] > top - PAD)
            sink = np.where(inside, top - v[..., 2], 0.0).max(axis=1)
            key = (model.body_name(int(b)), f"the {name.replace('floor_', '')}")
            depth[key] = np.maximum(depth.get(key, sink), sink)
    for (body, what), d in depth.items():
        for a, z in spans(d > THROUGH, times):
            worst = a + int(np.argmax(d[a:z + 1]))
            out.append(Finding(times[a], f"{body} goes {d[worst] * 100:.1f} cm through {what} "
                                         f"({when_text(times, a, z)})"))
    if kin.contacts is not None:
        names = {c.name: c for c in kin.contacts.checked}
        for name, gap in kin.contacts.errors(frames).items():
            for a, z in spans(np.abs(gap) > LOST, times):
                worst = a + int(np.argmax(np.abs(gap[a:z + 1])))
                where = names[name].surface.replace("floor_", "")
                out.append(Finding(times[a], f"contact {name} on {where} is lost by "
                                             f"{abs(gap[worst]) * 100:.1f} cm ({when_text(times, a, z)})"))
    for joint in model.poseable.values():
        if not joint.limited or joint.kind != "hinge":
            continue
        value = np.degrees(frames.qpos[:, joint.qposadr])
        for end in (joint.lower, joint.upper):
            if abs(end) < AT_LIMIT:  # a range that ends at the neutral pose (a straight knee) is a pose
                continue
            for a, z in spans(np.abs(value - end) < AT_LIMIT, times):
                if times[z] - times[a] >= LONG:
                    out.append(Finding(times[a], f"joint {joint.name} sits at the end of its range ({end:g}°) "
                                                 f"for {times[z] - times[a]:.1f} s ({when_text(times, a, z)})"))
    return sorted(out, key=lambda f: f.time)


def as_problems(scenario, findings: list[Finding], strict: bool) -> list[Problem]:
    """Findings as FILE:LINE messages, the line of the keyframe that leads into the time."""
    out = []
    for f in findings:
        index = next((i for i, k in enumerate(scenario.keyframes) if k.time >= f.time - 1e-9),
                     len(scenario.keyframes) - 1)
        word = "" if strict else "warning: "
        out.append(scenario.problem(("keyframes", index), f"{word}t = {f.time:.2f} s: {f.message}"))
    return out
