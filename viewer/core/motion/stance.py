"""Stance and equipment as a trainer would check them, measured on the frames the renderer draws.

- A standing body keeps each foot flat (heel and toes on the floor) unless the scenario lifts it
  (a contact on the toes, or `on: none`); a foot any scenario pins to the floor stays down.
- A barbell press lowers the bar to the chest (at the bottom, within BAR_GAP above the sternum),
  never over the neck or face, with a grip GRIP times the shoulder width and the hands clear of
  the collars.
- A held dumbbell sits in a closed hand and touches no other body part (bone or muscle surface).
- A seated pelvis rests on its seat (its skin within SEAT_GAP of the top).
- No muscle surface (path points and the radii the renderer gives them) passes through the mat
  or the floor by more than THROUGH_SKIN.
- A body lying on its back rests its trunk on the mat, bench or floor at t = 0.

Each check gives a measured number (what the tests print) and findings (one line each).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.contact_rules import HAND_CLEARANCE, NOT_RESTING, body_of, clearance, grip_pose
from .stance_geometry import along as _along, lowest_path_points as _lowest_path_points, nearest as _nearest
from .stance_geometry import path_rows as _path_rows, spans, when_text, within as _within

FOOT_LIFT = 0.015  # metres a resting heel or toe may stand off the floor
BAR_GAP = 0.06  # metres: bar axis above the sternum at the bottom of a press
NECK_MARGIN = 0.02  # metres the bar may pass the sternal notch toward the head (lockout over the shoulders)
GRIP = (1.3, 1.8)  # hand spacing / shoulder-joint spacing of a press grip
PLATE_CLEAR = 0.02  # metres between the hand and the inner collar
HANDLE_IN_HAND = 0.035  # metres from the handle's surface to the nearest hand bone
CLOSED_FINGERS = 40.0  # degrees of knuckle flexion that count as a closed hand
BODY_CLEAR = 0.005  # metres: a dumbbell head nearer than this to a bone (other than the hand) intersects it
HAND_REACH = 0.05  # metres: a muscle with a path point this near the holding hand is the hand's own
SEAT_GAP = 0.025  # metres between the skin under the pelvis and the seat
# Sitting compresses the buttock under the ischial tuberosities to about 2 cm (MRI of seated
# subjects, Linder-Ganz et al. 2007), far less than the 4.5 cm a lying pelvis rests on.
SEATED_TISSUE = 0.02
THROUGH_SKIN = 0.01  # metres a muscle surface may press into the mat or floor
REST_GAP = 0.015  # metres a lying body's lowest skin may float at t = 0
BAR_SIZE = 0.02  # metres: radius above which a barbell part is a collar or plate, not the bar
LYING = ("supine", "prone")


@dataclass(frozen=True)
class Finding:
    time: float
    message: str


@dataclass
class StanceReport:
    """Measured numbers (metres, None where the check does not apply) and the findings."""

    foot_lift: float | None = None  # worst lift of a foot that should be flat or down
    bar_to_sternum: float | None = None  # bar axis above the sternum at the bottom of the press
    bar_past_notch: float | None = None  # most the bar goes past the sternal notch toward the head
    grip_ratio: tuple[float, float] | None = None  # (min, max) over the motion
    plate_clearance: float | None = None  # least room between a hand and the inner collar
    handle_to_hand: float | None = None  # worst distance of a dumbbell handle from its hand
    dumbbell_clearance: float | None = None  # least room between a dumbbell head and another bone
    dumbbell_muscle_clearance: float | None = None  # least room between a dumbbell head and a muscle surface
    seat_gap: float | None = None  # worst skin-to-seat gap of a seated pelvis
    muscle_depth: tuple[float, str, float] | None = None  # (metres under, muscle, time) of the deepest
    rest_gap: float | None = None  # supine body: the trunk's skin above what it lies on at t = 0
    findings: list[Finding] = field(default_factory=list)

    def row(self) -> dict[str, str]:
        """The numbers in words and centimetres, for a table."""
        cm = (lambda v: "–" if v is None else f"{v * 100:.1f} cm")
        out = {"foot lift": cm(self.foot_lift), "bar to sternum": cm(self.bar_to_sternum),
               "bar past notch": cm(self.bar_past_notch),
               "grip ratio": "–" if self.grip_ratio is None else f"{self.grip_ratio[0]:.2f}–{self.grip_ratio[1]:.2f}",
               "plate clearance": cm(self.plate_clearance), "handle to hand": cm(self.handle_to_hand),
               "dumbbell clearance": cm(self.dumbbell_clearance),
               "dumbbell to muscle": cm(self.dumbbell_muscle_clearance), "seat gap": cm(self.seat_gap),
               "rest gap": cm(self.rest_gap)}
        if self.muscle_depth is None:
            out["deepest muscle"] = "–"
        else:
            depth, name, t = self.muscle_depth
            out["deepest muscle"] = f"{depth * 100:.1f} cm ({name}, {t:.2f} s)"
        return out


def measure_stance(kin, frames) -> StanceReport:
    """Every stance and equipment check of a sampled motion."""
    from ..scenario.props import Props

    report = StanceReport()
    if not kin.free_root:  # an arm on a stand has no floor, seat or equipment to check
        return report
    props = Props(kin)
    checks = _Checks(kin, frames, props, report)
    checks.feet()
    checks.barbell()
    checks.dumbbells()
    checks.seat()
    checks.muscles()
    checks.resting()
    report.findings.sort(key=lambda f: f.time)
    return report


class _Checks:
    def __init__(self, kin, frames, props, report: StanceReport):
        self.kin, self.frames, self.props, self.report = kin, frames, props, report
        self.model, self.scenario = kin.model, kin.scenario
        self.times = frames.times
        self.floor = props.floor_level()
        self._bones: dict[int, np.ndarray] = {}

    # --- geometry ---------------------------------------------------------------------------
    def bones_of(self, body: int, stride: int = 2) -> np.ndarray:
        """(F, n, 3) world bone vertices of one body over the frames."""
        if body not in self._bones:
            model, frames = self.model, self.frames
            parts = [np.zeros((len(frames), 0, 3))]
            for g, geom in enumerate(model.bone_geoms):
                if model.bone_body(geom) == body:
                    v = model.bone_mesh(geom)[0][::stride]
                    parts.append(np.einsum("fij,nj->fni", frames.geom_mat[:, g], v) + frames.geom_pos[:, g][:, None])
            self._bones[body] = np.concatenate(parts, axis=1)
        return self._bones[body]

    def subtree(self, root: int) -> list[int]:
        """The body and every body below it (a hand from its wrist)."""
        model = self.model
        parent = model.mj.body_parentid if getattr(model, "mj", None) is not None else None
        if parent is None:
            return [root]
        out = [root]
        for b in range(root + 1, len(parent)):
            if int(parent[b]) in out:
                out.append(b)
        return out

    def still_tops(self, mesh: str) -> list[tuple[float, np.ndarray, np.ndarray]]:
        """(top z, xy min, xy max) of each still prop of this mesh."""
        out = []
        for p, T in self.props._still.items():
            if self.props.specs[p].mesh == mesh:
                v = self.props.world_vertices(p, T)
                out.append((float(v[:, 2].max()), v[:, :2].min(axis=0), v[:, :2].max(axis=0)))
        return out

    def add(self, mask: np.ndarray, text) -> None:
        """One finding per span of frames where mask holds; text(worst frame, span) words it."""
        for a, z in spans(mask, self.times):
            self.report.findings.append(Finding(float(self.times[a]), text(a, z, when_text(self.times, a, z))))

    # --- checks -----------------------------------------------------------------------------
    def feet(self) -> None:
        """Standing feet flat; any foot a contact pins to the floor stays down."""
        model, scenario = self.model, self.scenario
        specs = list(getattr(scenario, "contacts", []) or [])
        named = {body_of(s.body): s for s in specs}
        worst = None
        for side in ("r", "l"):
            heel, toes = model.body_id(f"calcn_{side}"), model.body_id(f"toes_{side}")
            if heel < 0:
                continue
            on_toes = f"toes_{side}" in named and named[f"toes_{side}"].on != NOT_RESTING
            heel_spec = named.get(f"calcn_{side}")
            lifted = heel_spec is not None and heel_spec.on == NOT_RESTING
            pinned = heel_spec is not None and heel_spec.on == "floor"
            standing = scenario.posture == "standing" and not on_toes and not lifted
            if not (standing or pinned):
                continue
            parts = [("heel", heel)] + ([("toes", toes)] if standing and toes >= 0 else [])
            word = {"r": "right", "l": "left"}[side]
            for part, body in parts:
                pts = self.bones_of(body)
                if not pts.shape[1]:
                    continue
                lift = pts[..., 2].min(axis=1) - clearance(model.body_name(body)) - self.floor
                worst = max(worst if worst is not None else -np.inf, float(lift.max()))
                why = "tiptoe: " if standing and part == "heel" else ""
                self.add(lift > FOOT_LIFT, lambda a, z, when, lift=lift, part=part, why=why:
                         f"{why}{word} {part} {lift[a:z + 1].max() * 100:.1f} cm off the floor ({when})")
        self.report.foot_lift = worst

    def barbell(self) -> None:
        """Bar to the lower chest, never over the neck, grip 1.3–1.8× shoulders, hands off the collars."""
        model, frames, props = self.model, self.frames, self.props
        names = list(self.kin.landmark_names)
        bars = [p for p, s in enumerate(props.specs) if s.mesh == "barbell" and len(s.ride) == 2]
        if not bars or "sternal_notch" not in names or model.body_id("torso") < 0:
            return
        p = bars[0]
        T = np.stack([props.transforms(frames, i)[p] for i in range(len(frames))])
        centre = T[:, :3, 3]
        marks = frames.landmarks
        notch = marks[:, names.index("sternal_notch")]
        up_body = frames.body_mat[:, model.body_id("torso")][:, :, 1]  # the trunk's long axis, toward the head
        past = np.einsum("fi,fi->f", centre - notch, up_body)  # > 0: toward the head
        self.report.bar_past_notch = float(past.max())
        self.add(past > NECK_MARGIN, lambda a, z, when: f"the bar is over the neck or face, "
                 f"{past[a:z + 1].max() * 100:.1f} cm past the top of the sternum ({when})")
        bottom = int(np.argmin(centre[:, 2]))
        chest = self.bones_of(model.body_id("torso"))[bottom]
        near = chest[np.linalg.norm(chest[:, :2] - centre[bottom, :2], axis=1) < 0.025]
        if len(near) and past[bottom] <= NECK_MARGIN:
            gap = float(centre[bottom, 2] - near[:, 2].max())
            self.report.bar_to_sternum = gap
            if gap > BAR_GAP:
                self.add(np.arange(len(frames)) == bottom, lambda a, z, when: f"at the bottom of the press the "
                         f"bar stops {gap * 100:.1f} cm above the sternum (at most {BAR_GAP * 100:.0f} cm) ({when})")
        elif past[bottom] <= NECK_MARGIN:
            self.add(np.arange(len(frames)) == bottom, lambda a, z, when: f"at the bottom of the press the bar "
                     f"is not over the chest ({when})")
        hands = [model.body_id(b) for b in props.specs[p].ride]
        shoulders = [model.body_id(f"humerus_{s}") for s in ("r", "l")]
        grip = (np.linalg.norm(frames.body_pos[:, hands[0]] - frames.body_pos[:, hands[1]], axis=1)
                / np.linalg.norm(frames.body_pos[:, shoulders[0]] - frames.body_pos[:, shoulders[1]], axis=1))
        self.report.grip_ratio = (float(grip.min()), float(grip.max()))
        self.add((grip < GRIP[0]) | (grip > GRIP[1]), lambda a, z, when: f"the grip is {grip[a:z + 1].min():.2f}–"
                 f"{grip[a:z + 1].max():.2f}× shoulder width (a press grips {GRIP[0]}–{GRIP[1]}×) ({when})")
        mesh = props.meshes[p].vertices
        radial = np.linalg.norm(mesh[:, 1:], axis=1)
        inner = float(np.abs(mesh[radial > BAR_SIZE, 0]).min())  # inner face of the collars
        room = np.full(len(frames), np.inf)
        for hand in hands:
            pts = np.concatenate([self.bones_of(b) for b in self.subtree(model.body_id(
                model.body_name(hand).replace("capitate", "lunate")))], axis=1)
            local = np.einsum("fji,fnj->fni", T[:, :3, :3], pts - centre[:, None])
            room = np.minimum(room, inner - np.abs(local[..., 0]).max(axis=1) - HAND_CLEARANCE)
        self.report.plate_clearance = float(room.min())
        self.add(room < PLATE_CLEAR, lambda a, z, when: f"a hand is {max(room[a:z + 1].min(), 0) * 100:.1f} cm "
                 f"from the barbell's collar (hands against the plates) ({when})")

    def dumbbells(self) -> None:
        """Each dumbbell's handle in a closed hand, its heads clear of every other bone and muscle."""
        model, frames, props = self.model, self.frames, self.props
        for p, spec in enumerate(props.specs):
            if spec.mesh != "dumbbell" or len(spec.ride) != 1:
                continue
            hand = model.body_id(spec.ride[0])
            wrist = model.body_id(model.body_name(hand).replace("capitate", "lunate"))
            mine = set(self.subtree(wrist if wrist >= 0 else hand))
            T = np.stack([props.transforms(frames, i)[p] for i in range(len(frames))])
            centre = T[:, :3, 3]
            hand_pts = np.concatenate([self.bones_of(b) for b in mine], axis=1)
            gap = np.linalg.norm(hand_pts - centre[:, None], axis=2).min(axis=1) - 0.016 - HAND_CLEARANCE
            self.report.handle_to_hand = max(self.report.handle_to_hand or -np.inf, float(gap.max()))
            self.add(gap > HANDLE_IN_HAND, lambda a, z, when: f"a dumbbell handle is {gap[a:z + 1].max() * 100:.1f}"
                     f" cm from the hand holding it ({when})")
            knuckles = [model.joints[n] for n in grip_pose(model, model.body_name(hand)) if n.startswith("mcp")]
            if knuckles:
                bend = np.degrees(np.mean([frames.qpos[:, j.qposadr] for j in knuckles], axis=0))
                self.add(bend < CLOSED_FINGERS, lambda a, z, when: f"the hand holding a dumbbell is open "
                         f"(knuckles bent {bend[a:z + 1].min():.0f}°) ({when})")
            mesh = props.meshes[p].vertices
            heads = mesh[np.abs(mesh[:, 0]) > 0.065]
            world = np.einsum("fij,nj->fni", T[:, :3, :3], heads) + centre[:, None]
            clear = np.full(len(frames), np.inf)
            nearest = [""] * len(frames)
            lo, hi = world.min(axis=(0, 1)) - 0.1, world.max(axis=(0, 1)) + 0.1
            for body in range(len(model.body_names)):
                if body in mine or body == 0:
                    continue
                pts = self.bones_of(body)
                if not pts.shape[1] or not ((pts >= lo) & (pts <= hi)).all(axis=2).any():
                    continue
                d = np.array([_nearest(world[f], _within(pts[f], world[f], 0.05)) for f in range(len(frames))])
                closer = d < clear
                clear = np.where(closer, d, clear)
                for f in np.flatnonzero(closer):
                    nearest[f] = model.body_name(body)
            found = np.isfinite(clear)
            if found.any():
                self.report.dumbbell_clearance = min(self.report.dumbbell_clearance or np.inf,
                                                     float(clear[found].min()))
            self.add(clear < BODY_CLEAR, lambda a, z, when: f"a dumbbell runs into the "
                     f"{nearest[a + int(np.argmin(clear[a:z + 1]))]} ({when})")
            self.muscles_clear_of(world, frames.body_pos[:, hand])

    def muscles_clear_of(self, world: np.ndarray, hand: np.ndarray) -> None:
        """A held weight's heads (F, n, 3) outside every muscle surface, but for the holding hand's
        own tendons (a muscle with a path point within HAND_REACH of the hand)."""
        if self.tubes() is None:
            return
        u, r = self.tubes()
        model, frames = self.model, self.frames
        room = np.full(len(frames), np.inf)
        which = [""] * len(frames)
        lo, hi = world.min(axis=1) - 0.1, world.max(axis=1) + 0.1
        xpos = frames.wrap_xpos
        for f in range(len(frames)):
            frame = frames.frame(f)
            rows, owner = _path_rows(frames, f)
            close = ((xpos[f, rows] >= lo[f]) & (xpos[f, rows] <= hi[f])).all(axis=1)
            for m in np.unique(owner[close]):
                branches = frame.path(int(m))
                if not branches:
                    continue
                pts = np.concatenate(branches)
                if np.linalg.norm(pts - hand[f], axis=1).min() < HAND_REACH:
                    continue
                rings = _along(pts, u[f, m])
                d = (np.linalg.norm(world[f][:, None] - rings[None], axis=2) - r[f, m][None]).min()
                if d < room[f]:
                    room[f], which[f] = d, model.muscles[m].name
        if np.isfinite(room).any():
            self.report.dumbbell_muscle_clearance = min(self.report.dumbbell_muscle_clearance or np.inf,
                                                        float(room[np.isfinite(room)].min()))
        self.add(room < 0, lambda a, z, when: f"a dumbbell goes {-room[a:z + 1].min() * 100:.1f} cm into "
                 f"{which[a + int(np.argmin(room[a:z + 1]))]} ({when})")

    def seat(self) -> None:
        """A seated pelvis on its bench: the skin under it within SEAT_GAP of the top."""
        model = self.model
        pelvis = model.body_id("pelvis")
        seats = self.still_tops("bench")
        if self.scenario.posture != "seated" or pelvis < 0 or not seats:
            return
        pts = self.bones_of(pelvis)
        low = pts[..., 2].min(axis=1) - SEATED_TISSUE
        xy = pts[np.arange(len(low)), pts[..., 2].argmin(axis=1), :2]
        gaps = []
        for f in range(len(low)):
            under = [top for top, lo, hi in seats if (lo - 0.02 <= xy[f]).all() and (xy[f] <= hi + 0.02).all()]
            gaps.append(low[f] - max(under) if under else np.inf)
        gap = np.array(gaps)
        self.report.seat_gap = float(gap[np.argmax(np.abs(gap))])
        self.add(np.abs(gap) > SEAT_GAP, lambda a, z, when: "the seated pelvis is not on its seat" if
                 not np.isfinite(gap[a]) else f"the seated pelvis floats {gap[a:z + 1].max() * 100:.1f} cm above "
                 f"its seat ({when})" if gap[a] > 0 else f"the seated pelvis sinks {-gap[a:z + 1].min() * 100:.1f} cm "
                 f"into its seat ({when})")

    def tubes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(u, r), each (F, M, rings): where each muscle's rings sit along its path and their radii."""
        from ..shape.muscle_shape import SHEET_ASPECT, sheet_ids, tube_profile

        if "_tubes" not in self.__dict__:
            shapes = getattr(self.model, "shapes", None)
            if shapes is None or not len(self.frames):
                self._tubes = None
            else:
                u, r = tube_profile(shapes, self.frames.lengths)
                # A fascicle of a flat muscle lies in its sheet, flattened toward its neighbours: up
                # to SHEET_ASPECT times thinner than its round tube. Counted halfway (geometric mean).
                r[:, sheet_ids(self.model) >= 0] /= np.sqrt(SHEET_ASPECT[1])
                self._tubes = (u, r)
        return self._tubes

    def muscles(self) -> None:
        """The deepest any muscle's surface goes into the mat or floor."""
        model, frames = self.model, self.frames
        if self.tubes() is None:
            return
        u, r = self.tubes()
        mats = self.still_tops("floor_mat")
        depth = np.full((len(frames), len(model.muscles)), -np.inf)
        lowest = _lowest_path_points(frames)  # (F, M): a quick pass so only muscles near the ground are placed
        ground = max([self.floor] + [top for top, _, _ in mats])
        near = np.argwhere(lowest - r.max(axis=2) < ground + 0.05)
        frame, at = None, -1
        for f, m in near:
            if f != at:
                frame, at = frames.frame(int(f)), f
            branches = frame.path(int(m))
            if not branches:
                continue
            rings = _along(np.concatenate(branches), u[f, m])
            surface = np.full(len(rings), self.floor)
            for top, lo, hi in mats:
                inside = ((rings[:, :2] >= lo) & (rings[:, :2] <= hi)).all(axis=1)
                surface[inside] = np.maximum(surface[inside], top)
            depth[f, m] = float((surface - (rings[:, 2] - r[f, m])).max())
        if not np.isfinite(depth.max()):
            return  # nothing near the ground (a hanging body)
        f, m = np.unravel_index(int(np.argmax(depth)), depth.shape)
        name = model.muscles[m].name
        self.report.muscle_depth = (float(depth[f, m]), name, float(self.times[f]))
        for k in np.flatnonzero((depth > THROUGH_SKIN).any(axis=0)):
            d = depth[:, k]
            self.add(d > THROUGH_SKIN, lambda a, z, when, d=d, k=k: f"muscle {model.muscles[k].name} goes "
                     f"{d[a:z + 1].max() * 100:.1f} cm into the {'mat' if mats else 'floor'} ({when})")

    def resting(self) -> None:
        """A body lying on its back rests its trunk on what is under it at t = 0 (mat, bench or floor)."""
        model = self.model
        if self.scenario.posture != "supine":
            return
        bodies = sorted(model.trunk_bodies) or range(len(model.body_names))
        tops = [t for mesh in ("floor_mat", "bench") for t in self.still_tops(mesh)]
        gaps = []
        for body in bodies:
            pts = self.bones_of(body)[0]
            if not len(pts):
                continue
            low = pts[int(np.argmin(pts[:, 2]))]
            under = [top for top, lo, hi in tops if (lo - 0.02 <= low[:2]).all() and (low[:2] <= hi + 0.02).all()]
            gaps.append(low[2] - clearance(model.body_name(body)) - max(under, default=self.floor))
        if not gaps:
            return
        gap = float(min(gaps))
        self.report.rest_gap = gap
        if gap > REST_GAP:
            self.add(np.arange(len(self.times)) == 0, lambda a, z, when: f"the body lying on its back floats "
                     f"{gap * 100:.1f} cm above what it lies on ({when})")
