"""Muscle shape parameters from the model's own numbers, and the belly that keeps its volume."""
import json

import mujoco
import numpy as np
import pytest

from tests.conftest import ROOT, SCENARIOS
from tests.test_cli import read_csv
from viewer.cli import main
from viewer.core.shape.muscle_shape import RingLayout, tube_profile


def test_muscles_json_numbers_follow_mujocos_muscle_model(full_body, capsys):
    assert main(["muscles", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 416
    mj = full_body.mj
    for row in rows:  # L0 and LT straight from lengthrange = LT + range · L0, PCSA = F / 60 N/cm²
        a = mujoco.mj_name2id(mj, mujoco.mjtObj.mjOBJ_ACTUATOR, row["name"])
        (r0, r1, force), (l0, l1) = mj.actuator_gainprm[a, :3], mj.actuator_lengthrange[a]
        fibre = (l1 - l0) / (r1 - r0)
        assert row["optimal_fibre_length_m"] == pytest.approx(fibre, abs=1e-6)
        assert row["tendon_slack_length_m"] == pytest.approx(max(l0 - r0 * fibre, 0.0), abs=1e-6)
        assert row["pcsa_cm2"] == pytest.approx(force / 60.0, abs=1e-4)
        assert row["volume_cm3"] == pytest.approx(force / 60.0 * fibre * 100, rel=1e-5, abs=1e-4)
        assert row["lay_name"] and row["group"]
    psoas = next(r for r in rows if r["name"] == "psoas_r")
    assert psoas["lay_name"] == "Psoas major" and psoas["group"] == "hip flexors"
    assert psoas["optimal_fibre_length_m"] == pytest.approx(0.117, abs=0.0005)
    assert psoas["volume_cm3"] == pytest.approx(270, abs=3)  # Handsfield 2014 measured ≈ 270 cm³
    assert psoas["drawn_volume_cm3"] == psoas["volume_cm3"] and psoas["parameters"] == "model"
    # where the belly lies, from anatomy: the vasti's tendon crosses the knee, the biceps long
    # head has a long tendon at the shoulder too, the trunk's fascicles split theirs evenly
    by_name = {r["name"]: r for r in rows}
    assert by_name["vaslat_r"]["origin_tendon_share"] == 0.05 and by_name["vaslat_r"]["belly_reach_share"] > 0
    assert by_name["BIClong"]["origin_tendon_share"] == 0.4 and by_name["BIClong"]["belly_reach_share"] == 0
    assert by_name["rect_abd_r"]["origin_tendon_share"] == 0.5
    assert all(0 <= r["origin_tendon_share"] <= 1 for r in rows)


def test_fibre_lengths_are_muscle_tendon_lengths_less_the_tendon(tmp_path, full_body):
    scenario = SCENARIOS / "leg_raise.yaml"
    assert main(["lengths", str(scenario), "-o", str(tmp_path / "mt.csv"), "--fps", "4"]) == 0
    assert main(["lengths", str(scenario), "-o", str(tmp_path / "f.csv"), "--fps", "4", "--quantity", "fibre"]) == 0
    header, mt = read_csv(tmp_path / "mt.csv")
    header_f, fibre = read_csv(tmp_path / "f.csv")
    assert header == header_f
    slack = full_body.shapes.tendon_slack_length
    assert np.allclose(fibre[:, 1:], mt[:, 1:] - slack, atol=2e-6)
    k = header.index("psoas_r")
    # the psoas fibres shorten far more, relatively, than the whole muscle–tendon unit
    fibre_change = fibre[:, k].min() / fibre[0, k] - 1
    assert fibre_change < 1.5 * (mt[:, k].min() / mt[0, k] - 1) < 0


def test_native_model_gives_its_own_fibre_and_tendon_lengths():
    from viewer.core.model.binding import load_model

    model = load_model(ROOT / "meshes" / "examples" / "arm" / "arm.yaml")
    shapes = model.shapes
    k = model.muscle_index["biceps"]
    assert shapes.optimal_fibre_length[k] == pytest.approx(0.116)  # 116 mm in the file
    assert shapes.tendon_slack_length[k] == pytest.approx(0.200)
    assert shapes.source[k] == "model"
    # muscles without the keys are estimated from their rest length, and say so
    other = model.muscle_index["brachialis"]
    assert shapes.source[other] == "estimated"
    assert shapes.optimal_fibre_length[other] + shapes.tendon_slack_length[other] == pytest.approx(
        shapes.rest_length[other])


def test_belly_keeps_its_volume_and_thickens_when_it_shortens(full_body):
    shapes = full_body.shapes
    layout = RingLayout()
    k = full_body.muscle_index["BIClong"]
    lengths = np.outer([1.0, 0.85], shapes.rest_length)  # rest, then 15 % shorter
    u, r = tube_profile(shapes, lengths, layout, sides=8)
    assert np.all(np.diff(u, axis=-1) >= 0) and np.allclose(u[..., -1], 1)
    # every tube starts at its origin point, but a belly drawn back past it (the vasti)
    reach = shapes.belly_reach > 0
    assert np.all(u[..., ~reach, 0] == 0) and np.all(u[..., reach, 0] < 0)
    belly = layout.belly_rings
    s = u[..., belly] * lengths[..., None]
    rb = r[..., belly]
    area = 0.5 * 8 * np.sin(2 * np.pi / 8)  # an octagon's area per radius²
    volume = area * np.sum(np.diff(s, axis=-1) / 3 * (rb[..., :-1] ** 2 + rb[..., :-1] * rb[..., 1:] + rb[..., 1:] ** 2),
                           axis=-1)
    assert np.allclose(volume, shapes.drawn_volume, rtol=1e-9)
    assert r[1, k].max() > 1.15 * r[0, k].max()  # shorter belly, same volume: wider
    assert np.all(r[..., layout.is_tendon] <= r[..., belly].max(axis=-1, keepdims=True))
