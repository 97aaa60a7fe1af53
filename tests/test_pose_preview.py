"""The editor's live preview without a window: one Kinematics reused over a drag, same frames as a fresh one."""
import numpy as np

from tests.conftest import SCENARIOS
from viewer.core.model.binding import bind, load_checked
from viewer.core.session.pose_preview import PosePreview
from viewer.core.session.scenario_edit import ScenarioEdit


def drag(preview, edit, t, degrees):
    values = edit.joint_values(t)
    for d in degrees:
        edit.keys["hip_flexion"].write(values, d)
        frames = preview.frames(values, ["hip_flexion"], t)
    return values, frames


def test_a_drag_reuses_one_kinematics_and_matches_a_fresh_build():
    scenario, model = load_checked(SCENARIOS / "leg_raise.yaml")
    edit = ScenarioEdit(scenario, model)
    preview = PosePreview(edit)
    values, frames = drag(preview, edit, 1.0, [20, 35, 50, 65])
    assert preview.builds == 1  # the pose at t = 0 never changed: placement and contacts kept
    fresh = bind(model, preview.scenario(values, ["hip_flexion"], 1.0)).sample([1.0])
    for name in ("qpos", "lengths", "velocities", "root"):
        np.testing.assert_allclose(getattr(frames, name), getattr(fresh, name), atol=1e-9)
    hip = model.joints["hip_flexion_r"]
    assert abs(frames.qpos[0, hip.qposadr] - hip.to_model(65)) < 1e-9  # the last value of the drag


def test_moving_the_start_pose_builds_again():
    scenario, model = load_checked(SCENARIOS / "leg_raise.yaml")
    edit = ScenarioEdit(scenario, model)
    preview = PosePreview(edit)
    values, frames = drag(preview, edit, 0.0, [10, 20])
    assert preview.builds == 2  # the first pose places the body on the floor: each change is a new build
    fresh = bind(model, preview.scenario(values, ["hip_flexion"], 0.0)).sample([0.0])
    np.testing.assert_allclose(frames.root, fresh.root, atol=1e-9)
