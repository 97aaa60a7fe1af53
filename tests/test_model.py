"""The model catalogue: real MyoFullBody anatomy with lay names, groups, aliases, landmarks."""
import subprocess
import sys

REQUIRED_GROUPS = {"hip flexors", "abdominals", "back extensors", "glutes", "hamstrings", "quadriceps", "calf",
                   "chest", "shoulder", "arm flexors", "arm extensors", "forearm"}


def test_full_body_is_myofullbody_with_every_muscle_named_and_grouped(full_body):
    assert len(full_body.muscles) == 416
    assert full_body.mj.nmesh >= 100
    assert REQUIRED_GROUPS <= set(full_body.groups)
    assert "other" not in full_body.groups
    psoas = full_body.muscles[full_body.muscle_index["psoas_r"]]
    assert (psoas.label, psoas.group) == ("Psoas major, right", "hip flexors")
    biceps = full_body.muscles[full_body.muscle_index["BIClong"]]
    assert (biceps.side, biceps.group) == ("right", "arm flexors")
    assert full_body.muscles[full_body.muscle_index["BIClong_l"]].side == "left"
    assert {m.name for m in full_body.muscles_in("hip flexors")} >= {"iliacus_r", "psoas_l"}


def test_bone_meshes_are_visual_group_and_wrap_geoms_are_not(full_body):
    mj = full_body.mj
    assert len(full_body.bone_geoms) > 90
    assert set(mj.geom_group[full_body.bone_geoms]) == {0}
    verts, faces = full_body.bone_mesh(full_body.bone_geoms[0])
    assert verts.shape[1] == 3 and faces.shape[1] == 3 and faces.max() < len(verts)


def test_aliases_are_flexion_positive_both_and_one_side(full_body):
    aliases = full_body.aliases
    assert aliases["hip_flexion"].joints == {"hip_flexion_r": 1, "hip_flexion_l": 1}
    assert aliases["trunk_flexion"].joints == {"flex_extension": -1}
    for name in ("knee_flexion", "knee_flexion_r", "elbow_flexion", "shoulder_flexion", "shoulder_flexion_l",
                 "ankle_dorsiflexion", "ankle_plantarflexion_r"):
        assert name in aliases


def test_coupled_joints_follow_their_driver(full_body):
    assert full_body.joints["L4_L5_FE"].driver == "flex_extension"
    assert full_body.joints["knee_angle_translation1_r"].driver == "knee_angle_r"
    assert "L4_L5_FE" not in full_body.poseable and "flex_extension" in full_body.poseable
    assert round(full_body.joints["knee_angle_r"].upper) == 120


def test_landmarks_of_the_hand_test_sit_on_ribs_and_pelvis(full_body):
    assert full_body.body_name(full_body.landmarks["lower_ribs"].body) == "torso"
    assert full_body.body_name(full_body.landmarks["pubic_symphysis"].body) == "sacrum"


def test_lower_body_is_lighter_and_shares_names():
    from viewer.core.model.binding import load_model

    legs = load_model("lower-body")
    assert len(legs.muscles) == 80
    assert {"psoas_r", "iliacus_r", "recfem_r"} <= set(legs.muscle_index)
    assert "hip_flexion" in legs.aliases and "trunk_flexion" not in legs.aliases
    assert {"lower_ribs", "pubic_symphysis"} <= set(legs.landmarks)


def test_compiled_model_is_cached_and_a_corrupt_cache_is_rebuilt(tmp_path):
    script = ("from viewer.core.model.binding import load_model; m = load_model('lower-body'); "
              "print(len(m.muscles))")
    env = {"MUSCLE_VIEWER_CACHE": str(tmp_path), "MUJOCO_GL": "disable", "PATH": "/usr/bin:/bin"}
    run = dict(env=env, capture_output=True, text=True, cwd=tmp_path)
    first = subprocess.run([sys.executable, "-c", script], **run)
    assert first.stdout.strip() == "80", first.stderr
    cached = list(tmp_path.glob("myolegs-*.mjb"))
    assert len(cached) == 1
    cached[0].write_bytes(b"not a model")
    again = subprocess.run([sys.executable, "-c", script], **run)
    assert again.stdout.strip() == "80", again.stderr
    assert cached[0].stat().st_size > 1000
    assert "WARNING" not in first.stdout + first.stderr + again.stdout + again.stderr
    assert not (tmp_path / "MUJOCO_LOG.TXT").exists()


def test_bare_mujoco_file_uses_its_own_names(tmp_path):
    from tests.conftest import FIXTURES
    from viewer.core.model.binding import load_model

    model = load_model(FIXTURES / "models" / "two_muscles.xml")
    assert [m.name for m in model.muscles] == ["flexor", "extensor"]
    assert [m.label for m in model.muscles] == ["flexor", "extensor"]
    assert list(model.poseable) == ["elbow"] and model.root_body is None
