"""Write meshes/muscles.yaml: lay name, side and group for every MyoFullBody muscle.

Run once when myo-sim adds or renames muscles:  python tools/make_muscle_catalogue.py
The app never runs this; it reads the YAML it writes, so a clinician can correct a lay
name or a group by editing one line of data.
"""
from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import mujoco
import myo_sim

ROOT = Path(__file__).resolve().parents[1]

# base name (no side suffix) → (lay name, group). Regexes for numbered fascicles below.
PLAIN = {
    "rect_abd": ("Rectus abdominis", "abdominals"),
    "DELT1": ("Deltoid, front part", "shoulder"),
    "DELT2": ("Deltoid, middle part", "shoulder"),
    "DELT3": ("Deltoid, rear part", "shoulder"),
    "SUPSP": ("Supraspinatus", "shoulder"),
    "INFSP": ("Infraspinatus", "shoulder"),
    "SUBSC": ("Subscapularis", "shoulder"),
    "TMIN": ("Teres minor", "shoulder"),
    "TMAJ": ("Teres major", "shoulder"),
    "PECM1": ("Pectoralis major, clavicular part", "chest"),
    "PECM2": ("Pectoralis major, sternal part", "chest"),
    "PECM3": ("Pectoralis major, lower (costal) part", "chest"),
    "LAT1": ("Latissimus dorsi, upper part", "lats"),
    "LAT2": ("Latissimus dorsi, middle part", "lats"),
    "LAT3": ("Latissimus dorsi, lower part", "lats"),
    "CORB": ("Coracobrachialis", "arm flexors"),
    "BIClong": ("Biceps brachii, long head", "arm flexors"),
    "BICshort": ("Biceps brachii, short head", "arm flexors"),
    "BRA": ("Brachialis", "arm flexors"),
    "BRD": ("Brachioradialis", "arm flexors"),
    "TRIlong": ("Triceps, long head", "arm extensors"),
    "TRIlat": ("Triceps, lateral head", "arm extensors"),
    "TRImed": ("Triceps, medial head", "arm extensors"),
    "ANC": ("Anconeus", "arm extensors"),
    "SUP": ("Supinator", "forearm"),
    "ECRL": ("Extensor carpi radialis longus", "forearm"),
    "ECRB": ("Extensor carpi radialis brevis", "forearm"),
    "ECU": ("Extensor carpi ulnaris", "forearm"),
    "FCR": ("Flexor carpi radialis", "forearm"),
    "FCU": ("Flexor carpi ulnaris", "forearm"),
    "PL": ("Palmaris longus", "forearm"),
    "PT": ("Pronator teres", "forearm"),
    "PQ": ("Pronator quadratus", "forearm"),
    "EDM": ("Extensor digiti minimi", "forearm"),
    "EIP": ("Extensor indicis", "forearm"),
    "EPL": ("Extensor pollicis longus", "forearm"),
    "EPB": ("Extensor pollicis brevis", "forearm"),
    "FPL": ("Flexor pollicis longus", "forearm"),
    "APL": ("Abductor pollicis longus", "forearm"),
    "OP": ("Opponens pollicis", "hand"),
    "addbrev": ("Adductor brevis", "hip adductors"),
    "addlong": ("Adductor longus", "hip adductors"),
    "addmagDist": ("Adductor magnus, distal part", "hip adductors"),
    "addmagIsch": ("Adductor magnus, ischial part", "hip adductors"),
    "addmagMid": ("Adductor magnus, middle part", "hip adductors"),
    "addmagProx": ("Adductor magnus, proximal part", "hip adductors"),
    "grac": ("Gracilis", "hip adductors"),
    "bflh": ("Biceps femoris, long head", "hamstrings"),
    "bfsh": ("Biceps femoris, short head", "hamstrings"),
    "semimem": ("Semimembranosus", "hamstrings"),
    "semiten": ("Semitendinosus", "hamstrings"),
    "glmax1": ("Gluteus maximus, upper part", "glutes"),
    "glmax2": ("Gluteus maximus, middle part", "glutes"),
    "glmax3": ("Gluteus maximus, lower part", "glutes"),
    "glmed1": ("Gluteus medius, front part", "glutes"),
    "glmed2": ("Gluteus medius, middle part", "glutes"),
    "glmed3": ("Gluteus medius, rear part", "glutes"),
    "glmin1": ("Gluteus minimus, front part", "glutes"),
    "glmin2": ("Gluteus minimus, middle part", "glutes"),
    "glmin3": ("Gluteus minimus, rear part", "glutes"),
    "piri": ("Piriformis", "glutes"),
    "iliacus": ("Iliacus", "hip flexors"),
    "psoas": ("Psoas major", "hip flexors"),
    "sart": ("Sartorius", "hip flexors"),
    "tfl": ("Tensor fasciae latae", "hip flexors"),
    "recfem": ("Rectus femoris", "quadriceps"),
    "vasint": ("Vastus intermedius", "quadriceps"),
    "vaslat": ("Vastus lateralis", "quadriceps"),
    "vasmed": ("Vastus medialis", "quadriceps"),
    "gaslat": ("Gastrocnemius, lateral head", "calf"),
    "gasmed": ("Gastrocnemius, medial head", "calf"),
    "soleus": ("Soleus", "calf"),
    "tibpost": ("Tibialis posterior", "calf"),
    "fdl": ("Flexor digitorum longus", "calf"),
    "fhl": ("Flexor hallucis longus", "calf"),
    "tibant": ("Tibialis anterior", "shin"),
    "edl": ("Extensor digitorum longus", "shin"),
    "ehl": ("Extensor hallucis longus", "shin"),
    "perbrev": ("Peroneus brevis", "shin"),
    "perlong": ("Peroneus longus", "shin"),
}

# Where a muscle's tendon tissue lies: the share of its tendon slack length drawn at the
# path's first point (the origin; the proximal end of every limb muscle in MyoFullBody), the
# rest at the insertion. Judged from how each muscle attaches, as the standard anatomy texts
# describe it (Gray's Anatomy, 42nd ed., 2020; Moore, Clinically Oriented Anatomy, 8th ed.):
# a fleshy origin gets a small share, a long proximal tendon or aponeurosis a large one.
# Estimates, not measurements: docs/models.md lists them with the reasons.
ORIGIN_TENDON_BY_GROUP = {  # the default of a group
    "quadriceps": 0.05, "hamstrings": 0.40, "calf": 0.05, "shin": 0.05, "glutes": 0.10,
    "hip flexors": 0.10, "hip adductors": 0.15, "arm flexors": 0.10, "arm extensors": 0.05,
    "forearm": 0.10, "shoulder": 0.05, "chest": 0.10, "lats": 0.30, "spinal psoas": 0.10,
}
ORIGIN_TENDON_DEFAULT = 0.5  # trunk and hand: tendon at both ends alike (most have almost none)
ORIGIN_TENDON = {  # base name → (share, why): where a muscle differs from its group
    "recfem": (0.25, "short tendons from the anterior inferior iliac spine; long quadriceps tendon"),
    "vaslat": (0.05, "fleshy origin along the femoral shaft; tendon crosses the knee"),
    "vasmed": (0.05, "fleshy origin along the linea aspera; tendon crosses the knee"),
    "vasint": (0.05, "fleshy origin on the front of the femoral shaft; tendon crosses the knee"),
    "bflh": (0.40, "long common tendon from the ischial tuberosity"),
    "semiten": (0.30, "common tendon from the ischial tuberosity; long distal tendon (pes anserinus)"),
    "semimem": (0.55, "long flat proximal tendon from the ischial tuberosity"),
    "bfsh": (0.05, "fleshy origin from the linea aspera"),
    "gaslat": (0.10, "short tendons on the femoral condyles; the Achilles tendon distally"),
    "gasmed": (0.10, "short tendons on the femoral condyles; the Achilles tendon distally"),
    "BIClong": (0.40, "long head tendon from the supraglenoid tubercle, through the bicipital groove"),
    "BICshort": (0.30, "tendon from the coracoid process"),
    "BRA": (0.05, "fleshy origin on the front of the distal humerus"),
    "BRD": (0.05, "fleshy origin on the supracondylar ridge; long distal tendon to the radius"),
    "CORB": (0.20, "short tendon from the coracoid process"),
    "TRIlong": (0.25, "tendon from the infraglenoid tubercle"),
    "sart": (0.10, "short tendon from the anterior superior iliac spine"),
    "tfl": (0.10, "fleshy origin on the iliac crest; inserts through the iliotibial tract"),
    "grac": (0.20, "thin aponeurosis from the pubis; long distal tendon"),
    "addlong": (0.25, "rounded tendon from the pubic body"),
    "LAT1": (0.30, "broad aponeurosis from the thoracolumbar fascia"),
    "LAT2": (0.30, "broad aponeurosis from the thoracolumbar fascia"),
    "LAT3": (0.30, "broad aponeurosis from the thoracolumbar fascia"),
}


# Muscles with a long fleshy origin along a bone that the model gathers into one origin point
# halfway along it: the share of the belly drawn back past that point, along the path's first
# run (the vasti arise along the upper two thirds of the femoral shaft, Gray's Anatomy; the
# model's vasti paths start halfway down the femur).
BELLY_REACH = {"vaslat": 0.4, "vasmed": 0.4, "vasint": 0.4}


def origin_tendon(base: str, group: str) -> float:
    """Share of the tendon at the origin end for a muscle (see ORIGIN_TENDON)."""
    if base in ORIGIN_TENDON:
        return ORIGIN_TENDON[base][0]
    return ORIGIN_TENDON_BY_GROUP.get(group, ORIGIN_TENDON_DEFAULT)


FINGERS = {"2": "index finger", "3": "middle finger", "4": "ring finger", "5": "little finger"}
QL_PART = {"post": "posterior", "mid": "middle", "ant": "anterior"}

# (pattern, lay-name builder, group) for the numbered trunk and hand fascicles.
PATTERNS = [
    (r"Ps_(L\d)_VB", lambda m: f"Psoas major, spinal fascicle from {m[1]} vertebral body", "spinal psoas"),
    (r"Ps_(L\d)_TP", lambda m: f"Psoas major, spinal fascicle from {m[1]} transverse process", "spinal psoas"),
    (r"Ps_(L\d)_(L\d)_IVD", lambda m: f"Psoas major, spinal fascicle from {m[1]}–{m[2]} disc", "spinal psoas"),
    (r"IL_L(\d)", lambda m: f"Iliocostalis lumborum, L{m[1]} fascicle", "back extensors"),
    (r"IL_R(\d+)", lambda m: f"Iliocostalis, rib {m[1]} fascicle", "back extensors"),
    (r"LTpT_T(\d+)", lambda m: f"Longissimus thoracis, T{m[1]} fascicle", "back extensors"),
    (r"LTpT_R(\d+)", lambda m: f"Longissimus thoracis, rib {m[1]} fascicle", "back extensors"),
    (r"LTpL_L(\d)", lambda m: f"Longissimus lumborum, L{m[1]} fascicle", "back extensors"),
    (r"QL_(post|mid|ant)_(.+)", lambda m: f"Quadratus lumborum, {QL_PART[m[1]]} fascicle {m[2]}", "back extensors"),
    (r"MF_m(\d)(s|t\.\d|\.laminar)",
     lambda m: f"Multifidus, L{m[1]} {'superficial' if m[2] == 's' else 'laminar' if m[2] == '.laminar' else 'transverse ' + m[2][-1]} fascicle",
     "back extensors"),
    (r"EO(\d)", lambda m: f"External oblique, fascicle {m[1]}", "abdominals"),
    (r"IO(\d)", lambda m: f"Internal oblique, fascicle {m[1]}", "abdominals"),
    (r"FDS(\d)", lambda m: f"Flexor digitorum superficialis, {FINGERS[m[1]]}", "forearm"),
    (r"FDP(\d)", lambda m: f"Flexor digitorum profundus, {FINGERS[m[1]]}", "forearm"),
    (r"EDC(\d)", lambda m: f"Extensor digitorum, {FINGERS[m[1]]}", "forearm"),
    (r"RI(\d)", lambda m: f"Interosseus, radial side, {FINGERS[m[1]]}", "hand"),
    (r"UI_UB(\d)", lambda m: f"Interosseus, ulnar side, {FINGERS[m[1]]}", "hand"),
    (r"LU_RB(\d)", lambda m: f"Lumbrical, {FINGERS[m[1]]}", "hand"),
]

def split_side(name: str) -> tuple[str, str]:
    if name.endswith("_r"):
        return name[:-2], "right"
    if name.endswith("_l"):
        return name[:-2], "left"
    return name, "right"  # right arm: no suffix (DESIGN §4)


def describe(name: str) -> dict:
    base, side = split_side(name)
    if base in PLAIN:
        lay, group = PLAIN[base]
    else:
        for pattern, build, group in PATTERNS:
            match = re.fullmatch(pattern, base)
            if match:
                lay = build(match)
                break
        else:
            raise SystemExit(f"no lay name rule for muscle {name!r}: add one to {__file__}")
    return {"name": lay, "side": side, "group": group, "origin_tendon": origin_tendon(base, group),
            "belly_reach": BELLY_REACH.get(base, 0.0)}


def main() -> None:
    warnings.filterwarnings("ignore")
    model = myo_sim.load_model("myofullbody")
    names = [mujoco.mj_id2name(model, mujoco.mjtObj.mjOBJ_ACTUATOR, i) for i in range(model.nu)]
    out = ROOT / "meshes" / "muscles.yaml"
    lines = [
        "# Lay names, sides and groups of the MyoFullBody muscles (model name → description).",
        "# Written by tools/make_muscle_catalogue.py; edit a line here to correct a name or group.",
        "# origin_tendon: share of the tendon drawn at the origin end, the rest at the insertion",
        "# (where the belly lies; the tool's ORIGIN_TENDON says why, docs/models.md lists them);",
        "# belly_reach: share of the belly drawn back past the model's origin point (BELLY_REACH).",
        f"# Source: myo-sim {myo_sim.__version__}, model myofullbody, {len(names)} muscles.",
    ]
    for name in names:
        info = describe(name)
        lines.append(f"{name}: {{name: \"{info['name']}\", side: {info['side']}, group: {info['group']}, "
                     f"origin_tendon: {info['origin_tendon']:g}"
                     + (f", belly_reach: {info['belly_reach']:g}" if info["belly_reach"] else "") + "}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(names)} muscles)", file=sys.stderr)


if __name__ == "__main__":
    main()
