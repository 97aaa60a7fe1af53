"""A lab's own OpenSim files opened directly: the gait2392 walk and OpenSim's Arm26 IK output
(tests/fixtures/lab, vendored from opensim-models with their licence), on the lab's clock and ground."""
import csv
import importlib.util
import os

import numpy as np
import pytest

from tests.conftest import FIXTURES, ROOT
from viewer.cli import main

pytestmark = pytest.mark.skipif(importlib.util.find_spec("opensim") is None,
                                reason="optional extra not installed: pip install -e '.[opensim]'")

LAB = FIXTURES / "lab"
WALK = LAB / "subject01_walk1_ik.mot"
WALK_MODEL = ROOT / "meshes" / "opensim-models" / "Models" / "Gait2392_Simbody" / "subject01_simbody.osim"
ARM_IK = LAB / "arm26_InverseKinematics.mot"
ARM_MODEL = ROOT / "meshes" / "opensim-models" / "Models" / "Arm26" / "arm26.osim"


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array(rows[1:], float)


def read_mot_rows(path):
    from viewer.core.motion.motfile import read_mot

    table = read_mot(path)
    return table.columns, table.times, table.values


def err_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


# --- a .mot without its model -------------------------------------------------------------------------
@pytest.mark.parametrize("verb", ["lengths", "summary", "snapshot", "export", "share"])
def test_a_motion_without_its_model_says_in_one_line_which_model_fits(verb, tmp_path, capsys):
    out = {"lengths": ["-o", tmp_path / "x.csv"], "snapshot": ["-o", tmp_path / "x.png"],
           "export": ["-o", tmp_path / "x.mp4"], "share": ["-o", tmp_path / "x.html"]}.get(verb, [])
    assert main([verb, str(WALK), *map(str, out)]) == 1
    lines = err_lines(capsys)
    assert len(lines) == 1 and len(lines[0]) < 200, lines
    assert lines[0].startswith(f"{WALK.relative_to(ROOT)}: add --model MODEL to open a motion file")
    assert "Gait2392_Simbody/subject01_simbody.osim" in lines[0]  # the vendored model its columns fit
    assert not list(tmp_path.iterdir())


def test_a_motion_given_as_a_scenario_is_never_echoed_whole(tmp_path, capsys):
    wrong = tmp_path / "walk.yaml"
    wrong.write_text(WALK.read_text())  # 86 kB of numbers under a scenario's name
    assert main(["summary", str(wrong)]) == 1
    (line,) = err_lines(capsys)
    assert "a scenario must be a mapping of keys, not text 'Coordinates version=1" in line
    quoted = line.split("not text '", 1)[1]
    assert len(quoted) <= 121  # at most 120 characters of the file, and the closing quote


# --- each verb opens it -------------------------------------------------------------------------------
def test_lengths_of_the_walk_equal_opensims_own_on_the_labs_clock(tmp_path):
    import opensim as osim

    out = tmp_path / "walk.csv"
    assert main(["lengths", str(WALK), "--model", str(WALK_MODEL), "-o", str(out), "--fps", "60"]) == 0
    header, values = read_csv(out)
    columns, times, rows = read_mot_rows(WALK)
    assert len(values) == len(times)
    np.testing.assert_allclose(values[:, 0], times, atol=1e-6)  # 0.5 … 4.0 s, the lab's clock
    model = osim.Model(str(WALK_MODEL))  # OpenSim on its own, as the lab ran it
    state = model.initSystem()
    coords = model.getCoordinateSet()
    muscles = [model.getMuscles().get(name) for name in header[1:]]
    for r in range(0, len(times), 15):
        for c, name in enumerate(columns):
            coord = coords.get(name)
            rotational = coord.getMotionType() != osim.Coordinate.Translational and not name.startswith("pelvis_t")
            coord.setValue(state, np.radians(rows[r, c]) if rotational else rows[r, c], False)
        model.realizePosition(state)
        expected = [m.getLength(state) for m in muscles]
        np.testing.assert_allclose(values[r, 1:], expected, atol=1e-5)  # 0.01 mm (the CSV has µm digits)


def test_arm26_ik_is_refused_on_its_one_row_and_plays_with_clamp(tmp_path, capsys):
    out = tmp_path / "arm.csv"
    assert main(["lengths", str(ARM_IK), "--model", str(ARM_MODEL), "-o", str(out)]) == 1
    (line,) = err_lines(capsys)
    assert line.startswith(f"{ARM_IK.relative_to(ROOT)}:12: r_elbow_flex = -0.0544075° is out of range")
    assert "--clamp" in line and not out.exists()
    assert main(["lengths", str(ARM_IK), "--model", str(ARM_MODEL), "-o", str(out), "--clamp"]) == 0
    notes = [line for line in err_lines(capsys) if "--clamp" in line]
    assert notes == [f"{ARM_IK.relative_to(ROOT)}:12: note: --clamp: r_elbow_flex clamped to 0 to 130° "
                     f"in 1 row (at most 0.0544° outside)"]
    header, values = read_csv(out)
    biceps = header.index("BIClong")
    assert values[-1, biceps] < values[0, biceps] - 0.02  # the elbow flexes 0 → 90°: the biceps shortens


def test_validate_checks_a_motion_files_format(tmp_path, capsys):
    assert main(["validate", str(ARM_IK)]) == 0
    assert "ok (an OpenSim motion file: 121 rows of 2 columns, 0–1 s; it opens with --model MODEL)" in \
        capsys.readouterr().out
    bad = tmp_path / "bad.mot"
    bad.write_text(ARM_IK.read_text().replace("0.01417949", "O.01417949"))
    assert main(["validate", str(bad)]) == 1
    assert f"{bad}:13: 'O.01417949' in column r_elbow_flex is not a number" in capsys.readouterr().err


def test_convert_without_a_model_says_which_model_takes_the_columns(tmp_path, capsys):
    assert main(["convert", str(WALK), str(tmp_path / "walk.yaml")]) == 1  # full-body has no lumbar_extension
    lines = [line for line in err_lines(capsys) if "note:" not in line]
    assert "column 'lumbar_extension' is not a joint of model full-body" in lines[0]
    assert lines[-1].endswith("its columns fit meshes/opensim-models/Models/Gait2392_Simbody/subject01_simbody.osim")


def test_time_round_trip_keeps_the_labs_clock(tmp_path):
    yaml_file, back = tmp_path / "walk.yaml", tmp_path / "walk_back.mot"
    assert main(["convert", str(WALK), str(yaml_file), "--model", str(WALK_MODEL)]) == 0
    assert "lab_start: 0.5\n" in yaml_file.read_text()
    assert main(["convert", str(yaml_file), str(back), "--fps", "60"]) == 0
    columns, times, rows = read_mot_rows(WALK)
    back_columns, back_times, back_rows = read_mot_rows(back)
    np.testing.assert_array_equal(back_times, times)  # 0.5 … 4.0 s, exactly (8 decimals, as written)
    for c, name in enumerate(columns):
        np.testing.assert_allclose(back_rows[:, back_columns.index(name)], rows[:, c], atol=1e-4)


def test_no_bone_of_the_walk_goes_below_openSims_ground():
    from viewer.core.model.binding import bind
    from viewer.core.session.lab import LabInput, load_any

    scenario, model = load_any(WALK, LabInput(str(WALK_MODEL)))
    kin = bind(model, scenario)
    frames = kin.sample(kin.times(30))
    lowest = np.full(len(frames), np.inf)
    for g, geom in enumerate(model.bone_geoms):
        verts, _ = model.bone_mesh(geom)
        z = np.einsum("vj,fij->fvi", verts[::3], frames.geom_mat[:, g])[..., 2] + frames.geom_pos[:, g, 2:3]
        lowest = np.minimum(lowest, z.min(axis=1))
    assert lowest.min() > -0.005  # no bone more than 5 mm through the floor
    assert np.median(lowest) < 0.04  # and the feet do reach it: OpenSim's ground is the floor


def test_snapshot_export_summary_and_share_open_the_motion(tmp_path, capsys):
    lab = ["--model", str(ARM_MODEL), "--clamp"]
    png, gif, page = tmp_path / "arm.png", tmp_path / "arm.gif", tmp_path / "arm.html"
    assert main(["snapshot", str(ARM_IK), *lab, "--time", "0.8", "-o", str(png), "--size", "320x240"]) == 0
    assert "at 0.8 s" in capsys.readouterr().err
    assert main(["export", str(ARM_IK), *lab, "-o", str(gif), "--size", "160x120", "--fps", "5", "--quiet"]) == 0
    assert main(["summary", str(ARM_IK), *lab]) == 0
    out = capsys.readouterr().out
    assert "Arm26 inverse kinematics" in out and "Biceps" in out
    assert main(["share", str(ARM_IK), *lab, "-o", str(page), "--quiet"]) == 0
    assert png.stat().st_size > 1000 and gif.stat().st_size > 1000 and page.stat().st_size > 100_000


def test_model_and_clamp_are_for_motion_files_only(capsys):
    assert main(["summary", str(ROOT / "scenarios" / "leg_raise.yaml"), "--model", str(ARM_MODEL)]) == 1
    assert "--model, --clamp, --grf and --markers go with a motion file" in capsys.readouterr().err


# --- forces and markers -------------------------------------------------------------------------------
GRF = LAB / "subject01_walk1_grf.mot"
TRC = LAB / "subject01_walk1.trc"


def yellow(image):
    r, g, b = (image[..., k].astype(int) for k in range(3))
    return (r > 190) & (g > 160) & (b < 90) & (r - b > 130)


def magenta(image):
    r, g, b = (image[..., k].astype(int) for k in range(3))
    return (r > 170) & (b > 150) & (g < 120)


def test_grf_arrows_point_up_out_of_the_stance_foot(tmp_path):
    import imageio.v3 as iio

    lab = ["--model", str(WALK_MODEL), "--size", "640x480", "--view", "right", "--time", "1.0"]  # right foot on the plate
    with_grf, without = tmp_path / "grf.png", tmp_path / "none.png"
    assert main(["snapshot", str(WALK), *lab, "--grf", str(GRF), "-o", str(with_grf)]) == 0
    assert main(["snapshot", str(WALK), *lab, "-o", str(without)]) == 0
    arrow = yellow(iio.imread(with_grf)[..., :3])
    assert arrow[:, int(0.62 * arrow.shape[1]):].any()  # the legend's swatch for it, bottom right
    arrow[:, int(0.62 * arrow.shape[1]):] = False  # the legend's side: the body is drawn left of it
    assert not yellow(iio.imread(without)[..., :3]).any()  # nothing else is this yellow
    rows, cols = np.nonzero(arrow)
    assert arrow.sum() > 150
    assert rows.max() - rows.min() > 3 * (np.percentile(cols, 95) - np.percentile(cols, 5))  # upright, not sideways
    # It starts at the foot: the lowest bone pixels are level with the arrow's base, beside it.
    plain = iio.imread(without)[..., :3].astype(int)
    bone = (plain[..., 0] > 170) & (plain[..., 1] > 160) & (plain[..., 2] > 120)
    bone[:60] = False  # the title
    bone[:, int(0.6 * bone.shape[1]):] = False  # the legend
    foot_row = np.nonzero(bone.any(axis=1))[0].max()
    assert abs(rows.max() - foot_row) < 25
    base = int(cols[rows >= rows.max() - 3].mean())
    assert bone[foot_row - 40:foot_row + 1, base - 30:base + 30].any()
    assert rows.min() < foot_row - 50  # about one body weight: 0.5 m, up past the ankle


def test_an_export_draws_the_arrows_too(tmp_path):
    import imageio.v3 as iio

    video = tmp_path / "walk.mp4"
    assert main(["export", str(WALK), "--model", str(WALK_MODEL), "--grf", str(GRF), "--view", "right",
                 "--size", "480x360", "--fps", "4", "--quiet", "-o", str(video)]) == 0
    frames = iio.imread(video)
    assert len(frames) == 14  # 3.5 s at 4 frames a second
    lit = []
    for frame in frames:
        arrow = yellow(frame)
        arrow[:, int(0.62 * arrow.shape[1]):] = False  # the legend's swatch
        lit.append(int(arrow.sum()))
    assert lit[2] > 30  # lab 1.0 s: the right foot in stance
    assert lit[-1] == 0  # lab 3.75 s: after the force recording ends (2.5 s), no arrow


def test_the_legend_says_what_the_arrows_and_spheres_are_and_the_arrows_scale():
    from viewer.core.session.lab import Recordings
    from viewer.core.motion.labdata import read_grf, read_trc
    from viewer.render.lab_overlays import legend_entries

    words = [text for _, text in legend_entries(Recordings(read_grf(GRF), read_trc(TRC), 700.0))]
    assert words == ["Ground reaction force: 50 cm per body weight", "The lab's markers"]
    assert legend_entries(None) == []


def test_markers_are_drawn_as_small_spheres_on_the_body(tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "markers.png"
    assert main(["snapshot", str(WALK), "--model", str(WALK_MODEL), "--markers", str(TRC), "--time", "1.0",
                 "--size", "640x480", "--view", "front", "-o", str(out)]) == 0
    sizes = blob_sizes(magenta(iio.imread(out)[..., :3]))
    assert len(sizes) >= 20  # most of the 41 markers are in sight from the front
    assert np.median(sizes) < 100  # small spheres, not blobs


def blob_sizes(mask) -> list[int]:
    """Pixel counts of the 8-connected regions of a mask."""
    seen, sizes = np.zeros_like(mask), []
    for start in zip(*np.nonzero(mask)):
        if seen[start]:
            continue
        stack, size = [start], 0
        seen[start] = True
        while stack:
            r, c = stack.pop()
            size += 1
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    n = (r + dr, c + dc)
                    if 0 <= n[0] < mask.shape[0] and 0 <= n[1] < mask.shape[1] and mask[n] and not seen[n]:
                        seen[n] = True
                        stack.append(n)
        sizes.append(size)
    return sizes


BAD_GRF = {
    "no_point": ("time\tground_force_vx\tground_force_vy\tground_force_vz\n0\t1\t2\t3\n", 5,
                 "force ground_force_v: no column ground_force_px"),
    "letters": ("time\tground_force_vx\tground_force_vy\tground_force_vz\tground_force_px\tground_force_py"
                "\tground_force_pz\n0\t1\t2\t3\t4\t5\t6\n1\t1\tmany\t3\t4\t5\t6\n", 7,
                "'many' in column ground_force_vy is not a number"),
    "no_forces": ("time\tknee_angle_r\n0\t1\n", 5, "no ground reaction force columns"),
}


@pytest.mark.parametrize("name", BAD_GRF)
def test_a_bad_grf_file_is_one_line_naming_its_line(name, tmp_path, capsys):
    body, line, message = BAD_GRF[name]
    grf = tmp_path / "bad_grf.mot"
    grf.write_text("bad\nversion=1\ninDegrees=yes\nendheader\n" + body)
    assert main(["lengths", str(WALK), "--model", str(WALK_MODEL), "--grf", str(grf), "-o", str(tmp_path / "x.csv")]) == 1
    (err,) = err_lines(capsys)
    assert err.startswith(f"{grf}:{line}: ") and message in err, err
    assert not (tmp_path / "x.csv").exists()


def test_a_bad_trc_file_is_one_line_naming_its_line(tmp_path, capsys):
    lines = TRC.read_text().splitlines()
    lines[9] = lines[9].replace("\t", "\tx7", 5)
    trc = tmp_path / "bad.trc"
    trc.write_text("\n".join(lines) + "\n")
    assert main(["lengths", str(WALK), "--model", str(WALK_MODEL), "--markers", str(trc), "-o", str(tmp_path / "x.csv")]) == 1
    (err,) = err_lines(capsys)
    assert err.startswith(f"{trc}:10: ") and "is not a number" in err and len(err) < 200, err


def test_forces_need_a_motion_in_opensims_ground(capsys):
    assert main(["lengths", str(ARM_IK), "--model", str(ARM_MODEL), "--clamp", "--grf", str(GRF), "-o", "-"]) == 1
    assert "--grf and --markers are in OpenSim's ground" in capsys.readouterr().err


# --- an OpenCap session -------------------------------------------------------------------------------
OPENCAP = FIXTURES / "opencap"
SQUAT = OPENCAP / "squats1_videoAndMocap.mot"
SQUAT_MODEL = OPENCAP / "LaiArnoldModified2017_contacts.osim"


def opensim_lengths(model_file, mot, rows, muscles):
    """Each muscle's length as OpenSim gives it with every coordinate set from the file's rows."""
    import opensim as osim

    columns, times, values = read_mot_rows(mot)
    model = osim.Model(str(model_file))
    state = model.initSystem()
    coords = model.getCoordinateSet()
    out = []
    for r in rows:
        for c, name in enumerate(columns):
            coord = coords.get(name)
            # OpenSim writes only Rotational coordinates in degrees: a Coupled one (the patella's
            # knee_angle_r_beta) stays in its own units, as here
            rotational = coord.getMotionType() == osim.Coordinate.Rotational
            coord.setValue(state, np.radians(values[r, c]) if rotational else values[r, c], False)
        model.realizePosition(state)
        out.append([model.getMuscles().get(m).getLength(state) for m in muscles])
    return np.array(out)


def test_an_opencap_squat_opens_directly_with_opensims_lengths(tmp_path, capsys):
    assert main(["summary", str(SQUAT)]) == 1  # which model: the scaled one beside it
    assert "its columns fit tests/fixtures/opencap/LaiArnoldModified2017_contacts.osim" in capsys.readouterr().err
    out = tmp_path / "squat.csv"
    assert main(["lengths", str(SQUAT), "--model", str(SQUAT_MODEL), "-o", str(out), "--fps", "100"]) == 0
    header, values = read_csv(out)
    rows = [0, 100, 150, 250]  # standing, deepest, rising, deepest again
    np.testing.assert_allclose(values[rows, 1:], opensim_lengths(SQUAT_MODEL, SQUAT, rows, header[1:]), atol=1e-5)


def test_an_opencap_squat_still_stands_on_the_floor_with_a_sensible_readout(tmp_path):
    from viewer.core.model.binding import bind
    from viewer.core.session.feed import AngleReadout
    from viewer.core.session.lab import LabInput, load_any

    scenario, model = load_any(SQUAT, LabInput(str(SQUAT_MODEL)))
    assert scenario.title == "Squats1 video and mocap"  # the header says only "Coordinates"
    kin = bind(model, scenario)
    frames = kin.sample([0.0, 1.0])
    feet = [g for g in model.bone_geoms if "foot" in model.bone_geom_name(g)]
    for f in range(2):
        lowest = min((model.bone_mesh(g)[0] @ frames.geom_mat[f, g].T + frames.geom_pos[f, g])[:, 2].min() for g in feet)
        assert -0.015 < lowest < 0.03  # the feet stand on OpenCap's floor, standing and squatting
    text = AngleReadout(kin).text(frames.qpos[1], None)
    # the two joints that move most in a squat; not the arms, which no muscle of this model crosses
    first, second = text.lower().splitlines()[:2]  # 'Left hip flexion 99°': the side in words
    assert "hip flexion" in first and ("knee flexion" in second or "hip flexion" in second)
    assert "Arm" not in text and "Elbow" not in text


# --- meshes only where something is drawn --------------------------------------------------------------
def test_lengths_need_no_meshes_and_warn_of_none(tmp_path):
    import shutil

    from tests.test_safety import cli

    copy = tmp_path / "Arm26"
    copy.mkdir()
    shutil.copy(ARM_MODEL, copy / "arm26.osim")  # no Geometry folder beside it: none of its 36 meshes
    (tmp_path / "Geometry").mkdir()  # an empty one where opensim-models keeps them
    lab = [ARM_IK, "--model", copy / "arm26.osim", "--clamp"]
    result = cli("lengths", *lab, "-o", tmp_path / "arm.csv")  # (summary and convert load the same way)
    assert result.returncode == 0, result.stderr
    assert "warning: mesh" not in result.stderr, result.stderr
    drawn = cli("snapshot", *lab, "-o", tmp_path / "arm.png", "--size", "160x120")
    assert drawn.returncode == 0 and drawn.stderr.count("warning: mesh") == 36  # a still draws bones: it says


# --- gait cycles ---------------------------------------------------------------------------------------
def test_heel_strikes_from_foot_kinematics_agree_with_the_force_plates():
    from viewer.core.model.binding import bind
    from viewer.core.motion.gait import gait_events
    from viewer.core.session.lab import LabInput, attach_recordings, load_any

    lab = LabInput(str(WALK_MODEL), grf=str(GRF))
    scenario, model = load_any(WALK, lab)
    kin = bind(model, scenario)
    from_feet = gait_events(kin)
    attach_recordings(kin, lab)
    from_plates = gait_events(kin)
    assert (from_feet.source, from_plates.source) == ("foot kinematics", "ground reaction forces")
    start = scenario.lab_start
    # the force plates: right heel strikes at 0.62 and 1.85 s, left at 1.25 and 2.46 s (lab clock)
    assert np.round(np.add(from_plates.heel_strikes["right"], start), 2).tolist() == [0.62, 1.85]
    assert np.round(np.add(from_plates.heel_strikes["left"], start), 2).tolist() == [1.25, 2.46]
    for side in ("right", "left"):
        for kind in ("heel_strikes", "toe_offs"):
            plates = getattr(from_plates, kind)[side]
            feet = np.array(getattr(from_feet, kind)[side])
            for t in plates:  # every event the plates saw, the feet find within 40 ms
                assert np.abs(feet - t).min() < 0.04, (side, kind, t, feet)
    (cycle,) = from_plates.cycles("right")
    assert 58 < cycle.stance_percent < 66  # stance is about 60 % of a walking cycle


def test_lengths_per_gait_cycle_are_101_rows_per_cycle(tmp_path, capsys):
    out = tmp_path / "cycles.csv"
    assert main(["lengths", str(WALK), "--model", str(WALK_MODEL), "--cycle", "-o", str(out)]) == 0
    assert "2 right gait cycles × 101 rows" in capsys.readouterr().err
    header, values = read_csv(out)
    assert header[:3] == ["cycle", "percent", "time_s"] and len(header) == 3 + 92
    for number in (1, 2):
        rows = values[values[:, 0] == number]
        assert len(rows) == 101 and rows[:, 1].tolist() == list(range(101))
    first = values[values[:, 0] == 1]
    assert first[0, 2] == pytest.approx(0.60, abs=0.02) and first[-1, 2] == pytest.approx(1.83, abs=0.02)
    vasti = header.index("vas_med_r")
    assert np.ptp(first[:, vasti]) > 0.04  # the knee bends in swing: the vastus stretches by centimetres
    with_grf = tmp_path / "grf_cycles.csv"
    assert main(["lengths", str(WALK), "--model", str(WALK_MODEL), "--grf", str(GRF), "--cycle", "left",
                 "-o", str(with_grf)]) == 0
    assert "heel strikes at 1.25, 2.46 s from ground reaction forces" in capsys.readouterr().err
    assert len(read_csv(with_grf)[1]) == 101


def test_summary_of_a_walk_reports_ranges_per_stance_and_swing(capsys):
    assert main(["summary", str(WALK), "--model", str(WALK_MODEL), "--grf", str(GRF), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Gait: 1 right cycle (heel strikes at 0.62, 1.85 s, from ground reaction forces)." in out
    assert "Right stance  (0–64 % of the cycle)" in out and "Right swing  (64–100 % of the cycle)" in out
    assert "Whole exercise" not in out  # no end-minus-start for a cycle
    swing = out.split("Right swing")[1]
    assert "Vastus medialis, right" in swing and ", left" not in swing


def test_no_cycle_in_an_arm_is_one_line(capsys):
    assert main(["lengths", str(ARM_IK), "--model", str(ARM_MODEL), "--clamp", "--cycle", "-o", "-"]) == 1
    assert "no gait cycle: the model has no feet" in capsys.readouterr().err


# --- the app ------------------------------------------------------------------------------------------
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (run under xvfb-run)")


@needs_display
@pytest.mark.gui
def test_app_says_which_model_in_a_banner_that_does_not_widen_the_window(window, qtbot, tmp_path):
    size = window.size()
    assert not window.open_path(str(WALK))
    text = window.banner.label.text()
    assert "subject01_walk1_ik.mot: add --model MODEL" in text and "subject01_simbody.osim" in text
    assert text.splitlines()[0] == text.splitlines()[0][:199]
    wrong = tmp_path / "walk.yaml"
    wrong.write_text(WALK.read_text())
    assert not window.open_path(str(wrong))
    qtbot.wait(50)  # let the layout settle on the longer text
    assert window.size() == size and window.banner.isVisible()
    from viewer.core.base.errors import Problem

    # What the old error was: the whole file, its tabs escaped, one unbreakable word of 86 kB.
    for long_text in ("x" * 3000, str(Problem("walk.yaml", 1, f"not text '{WALK.read_text()}'"))):
        window.banner.show_error(long_text)  # wraps or clips, never widens or heightens the window
        qtbot.wait(50)
        assert window.size() == size
    assert window.session.scenario.title == "Lying leg raise"  # still showing the last good scenario


@needs_display
@pytest.mark.gui
def test_the_gui_verb_opens_a_motion_with_its_forces(tmp_path):
    import imageio.v3 as iio

    import subprocess
    import sys

    from tests.test_safety import ENV

    shot = tmp_path / "app.png"
    env = {**ENV, "DISPLAY": os.environ["DISPLAY"], "XAUTHORITY": os.environ.get("XAUTHORITY", ""),
           "XDG_CONFIG_HOME": str(tmp_path)}  # its own settings
    result = subprocess.run([sys.executable, "-m", "viewer", "gui", str(WALK), "--model", str(WALK_MODEL), "--grf",
                             str(GRF), "--time", "1.0", "--screenshot", str(shot)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    arrow = yellow(iio.imread(shot)[..., :3])
    arrow[:, int(0.52 * arrow.shape[1]):] = False  # the legend's swatch: right of the body in the view
    rows = np.nonzero(arrow)[0]
    assert arrow.sum() > 50 and np.ptp(rows) > 30  # the upright force arrow at the stance foot, in the window too


@needs_display
@pytest.mark.gui
def test_file_open_asks_for_the_model_once_and_remembers_it(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    answers = [(str(ARM_IK), ""), (str(ARM_MODEL), "")]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: answers.pop(0))
    window.open_dialog()
    assert window.session.scenario.title == "Arm26 inverse kinematics", window.banner.label.text()
    assert not answers  # the motion, then its model
    assert "r_elbow_flex clamped" in window.statusBar().currentMessage()
    assert window.playbar.time_label.text() == "0.00 / 1.00 s"
    window.open_path(str(ROOT / "scenarios" / "leg_raise.yaml"))
    answers[:] = [(str(ARM_IK), "")]
    window.open_dialog()  # the pairing is remembered: no second question
    assert window.session.scenario.title == "Arm26 inverse kinematics" and not answers
