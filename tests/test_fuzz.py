"""Property-based fuzzing: any input to the scenario loader, the model loaders (native YAML, MuJoCo XML)
or the .mot reader gives a result or the project's own error (ViewerError, one line per problem) —
never a crash, never a hang.

CI runs a bounded number of examples. Before a release run the long mode:

    MUSCLE_VIEWER_FUZZ=release pytest tests/test_fuzz.py      # 5,000 examples per property

(any other value of MUSCLE_VIEWER_FUZZ is read as a number of examples).
"""
import math
import os
import string

import pytest
import numpy as np
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.conftest import SCENARIOS  # noqa: E402
from viewer.core.base.errors import ViewerError  # noqa: E402
from viewer.core.motion.motfile import mot_to_scenario, parse_mot  # noqa: E402
from viewer.core.scenario.format import KEYFRAME_KEYS, PHASE_KEYS, TOP_KEYS  # noqa: E402
from viewer.core.scenario.check import check_against_model  # noqa: E402
from viewer.core.scenario.read import scenario_from_text  # noqa: E402

_mode = os.environ.get("MUSCLE_VIEWER_FUZZ", "ci")
EXAMPLES = 5000 if _mode == "release" else 40 if _mode == "ci" else int(_mode)
FUZZ = settings(max_examples=EXAMPLES, deadline=2000,  # ms per example: a slow input is a failure too
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


def loads_or_refuses(text: str, model=None):
    """The property: a Scenario, or a ViewerError whose every problem is one printable line."""
    try:
        scenario = scenario_from_text(text, "fuzz.yaml")
        if model is not None:
            check_against_model(scenario, model)
        return scenario
    except ViewerError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert "\n" not in line and "\x1b" not in line and "Traceback" not in line
            assert problem.line is None or problem.line >= 1
        return None


# --- any text ------------------------------------------------------------------------------------
@FUZZ
@given(st.text(max_size=400))
def test_any_text_is_a_scenario_or_a_clear_error(text):
    loads_or_refuses(text)


YAML_ALPHABET = string.ascii_letters + string.digits + " :-[]{},&*!|>'\"#\n\t.%@`?~" + "é°抬🦵\x1b\x00"


@FUZZ
@given(st.text(alphabet=YAML_ALPHABET, max_size=400))
def test_yaml_looking_text_is_a_scenario_or_a_clear_error(text):
    loads_or_refuses("format: 1\ntitle: t\n" + text)


# --- a real scenario, mutated ---------------------------------------------------------------------
LEG_RAISE = (SCENARIOS / "leg_raise.yaml").read_text(encoding="utf-8")


@st.composite
def mutated(draw, source=LEG_RAISE):
    text = source
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.text(alphabet=YAML_ALPHABET, min_size=1, max_size=12))
        if kind == "delete":
            text = text[:at] + text[at + len(piece):]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


@FUZZ
@given(mutated())
def test_a_mutated_scenario_is_checked_against_its_model_or_refused(full_body, text):
    loads_or_refuses(text, full_body)


# --- structured scenarios with wrong values ---------------------------------------------------------
values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20) | st.sampled_from(["hip_flexion", "smooth", "step", "pingpong", "supine", "left",
                                             "lower_ribs", "pubic_symphysis", "hip flexors", "#ff0000"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
poses = st.dictionaries(st.sampled_from(["hip_flexion", "knee_flexion", "trunk_flexion", "hip_flexion_r",
                                         "flex_extension", "elbow_flexion", "nonsense"]),
                        st.floats(-1e3, 1e3) | values, max_size=4)
keyframe = st.fixed_dictionaries({"time": st.floats(-1, 1e4) | values}, optional={
    "pose": poses, "ease": st.sampled_from(["linear", "smooth", "min_jerk", "step", "wobble"]) | values,
    "extra": values})
phase = st.dictionaries(st.sampled_from(PHASE_KEYS + ("oops",)), values | st.floats(0, 10), max_size=5)
SCENARIO_REQUIRED = {"format": st.just(1) | values, "title": st.text(max_size=30) | values,
                     "keyframes": st.lists(keyframe, max_size=6) | values}
SCENARIO_OPTIONAL = {k: values for k in TOP_KEYS if k not in SCENARIO_REQUIRED} \
    | {"phases": st.lists(phase, max_size=3)}
scenario = st.fixed_dictionaries(SCENARIO_REQUIRED, optional=SCENARIO_OPTIONAL)


def _dump(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):  # a float YAML cannot write, say
        return "format: 1\n"


@FUZZ
@given(scenario)
def test_structured_scenarios_with_wrong_values_are_checked_or_refused(full_body, data):
    assert set(KEYFRAME_KEYS) <= {"time", "pose", "ease"}
    loads_or_refuses(_dump(data), full_body)


# --- .mot files --------------------------------------------------------------------------------------
def parses_or_refuses(text: str, model=None):
    try:
        table = parse_mot(text, "fuzz.mot")
        if model is not None:
            scenario = mot_to_scenario(table, model, "full-body", "Fuzz", skip_unknown=True)
            assert all(math.isfinite(k.time) for k in scenario.keyframes)
            loads_or_refuses_scenario_object(scenario, model)
        return table
    except ViewerError as exc:
        assert exc.problems and all("\n" not in str(p) for p in exc.problems)
        return None


def loads_or_refuses_scenario_object(scenario, model):
    try:
        check_against_model(scenario, model)
    except ViewerError as exc:
        assert exc.problems


@FUZZ
@given(st.text(max_size=400))
def test_any_text_is_a_motion_table_or_a_clear_error(text):
    parses_or_refuses(text)


numbers = st.floats(allow_nan=True, allow_infinity=True).map(repr) | st.integers(-10**20, 10**20).map(str) \
    | st.sampled_from(["nan", "inf", "-inf", "1e999", "x", "", "1,5", "0x10"])


@st.composite
def motion_files(draw):
    columns = draw(st.lists(st.sampled_from(["hip_flexion_r", "knee_angle_r", "pelvis_tilt", "lumbar_extension",
                                             "hip_adduction_l", "ankle_angle_r", "bogus", "time"]),
                            max_size=5))
    header = draw(st.lists(st.sampled_from(["version=1", "nRows=3", "nColumns=2", "inDegrees=yes", "inDegrees=no",
                                            "inDegrees=maybe", "DataType=double", "name", ""]), max_size=5))
    rows = draw(st.lists(st.lists(numbers, min_size=len(columns) + 1, max_size=len(columns) + 1)
                         | st.lists(numbers, max_size=4), max_size=8))
    end = draw(st.sampled_from(["endheader", "EndHeader", "", "end"]))
    lines = ["fuzz"] + header + [end, "\t".join(["time"] + columns)] + ["\t".join(r) for r in rows]
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"


@FUZZ
@given(motion_files())
def test_motion_files_convert_to_a_scenario_or_a_clear_error(full_body, text):
    parses_or_refuses(text, full_body)


motion_bytes = st.builds(lambda text, codec, bom: (b"\xef\xbb\xbf" if bom else b"") + text.encode(codec, "replace"),
                         motion_files() | st.text(max_size=200), st.sampled_from(["utf-8", "latin-1", "utf-16"]),
                         st.booleans())


@FUZZ
@given(st.binary(max_size=400) | motion_bytes)
def test_any_bytes_in_a_motion_file_are_read_as_a_table_or_a_clear_error(model_folder, data):
    """The file reader too (not UTF-8, NUL bytes, a BOM): the table, or one line naming the file."""
    from viewer.core.motion.motfile import read_mot

    path = model_folder / "fuzz.mot"
    path.write_bytes(data)
    try:
        read_mot(path)
    except ViewerError as exc:
        assert exc.problems and all("fuzz.mot" in str(p) and "\n" not in str(p) for p in exc.problems), exc


@FUZZ
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(-200, 200)), min_size=1, max_size=30))
def test_well_formed_motion_files_always_convert(full_body, rows):
    """Increasing times and any angles: a scenario, or an out-of-range message naming the row."""
    rows = sorted({round(t, 4): v for t, v in rows}.items())
    text = "m\nversion=1\ninDegrees=yes\nendheader\ntime\thip_flexion_r\n" + "".join(
        f"{t}\t{v}\n" for t, v in rows)
    table = parse_mot(text, "ok.mot")
    try:
        mot_to_scenario(table, full_body, "full-body", "Fuzz")
    except ViewerError as exc:
        assert all("out of range" in p.message and p.line >= 6 for p in exc.problems), exc


# --- model files ------------------------------------------------------------------------------------
ARM_DIR = SCENARIOS.parent / "meshes" / "examples" / "arm"
TWO_MUSCLES = SCENARIOS.parent / "tests" / "fixtures" / "models" / "two_muscles.xml"


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory):
    """A folder with the example arm's meshes, where mutated model files are written."""
    import shutil

    folder = tmp_path_factory.mktemp("models")
    for mesh in ARM_DIR.iterdir():
        if mesh.suffix != ".yaml":
            shutil.copy(mesh, folder / mesh.name)
    return folder


def _model_loads_or_refuses(path):
    from viewer.core.model import binding as model_module

    model_module._loaded.clear()  # read the file again each time, whatever its modification time
    try:
        model = model_module.load_model(path)
    except ViewerError as exc:
        assert exc.problems and all("\n" not in str(p) and "Traceback" not in str(p) for p in exc.problems)
        return None
    assert model.muscles is not None
    return model


@FUZZ
@given(mutated((ARM_DIR / "arm.yaml").read_text(encoding="utf-8")))
def test_a_mutated_native_model_loads_or_is_refused(model_folder, text):
    path = model_folder / "fuzz_arm.yaml"
    path.write_text(text, encoding="utf-8")
    _model_loads_or_refuses(path)


@FUZZ
@given(mutated(TWO_MUSCLES.read_text(encoding="utf-8")))
def test_a_mutated_mujoco_model_loads_or_is_refused(model_folder, text):
    path = model_folder / "fuzz_model.xml"
    path.write_text(text, encoding="utf-8")
    _model_loads_or_refuses(path)


# --- the view keys: hide, focus, labels, bones, camera, contacts -------------------------------------------------


muscle_names = st.sampled_from(["hip flexors", "abdominals", "hamstrings", "iliacus_r", "psoas_r", "BIClong",
                                "nonsense", "", "True", "on"]) | st.text(max_size=15)
triples = st.lists(st.floats(-10, 10) | st.sampled_from([1e-9, 0.0, float("nan"), float("inf")]) | values, max_size=4)
cameras = st.dictionaries(
    st.sampled_from(["view", "azimuth", "elevation", "zoom", "position", "focal_point", "up", "view_angle", "oops"]),
    st.sampled_from(["left", "front", "three-quarter", "top", "sideways"]) | st.floats(-1e4, 1e4) | triples | values,
    max_size=6)
contact_entries = st.dictionaries(
    st.sampled_from(["body", "surface", "on", "slide", "oops"]),
    st.sampled_from(["hand_r", "hand_l", "calcn_l", "skull", "hand_x", "floor", "mat", "bar", "none"]) | values,
    max_size=4)
label_names = st.sampled_from(["iliacus", "psoas major", "rectus femoris", "iliacus_r", "Iliacus, right",
                                "biceps femoris", "nonsense"]) | muscle_names
VIEW_KEYS = {
    "hide": st.lists(muscle_names, max_size=6) | values, "focus": st.lists(muscle_names, max_size=4) | values,
    "labels": st.lists(label_names, max_size=4) | values,
    "bones": st.floats(-1, 2) | values, "camera": cameras | values,
    "contacts": st.lists(contact_entries, max_size=3) | values}
view_keys = st.fixed_dictionaries({}, optional=VIEW_KEYS)


def _without_view_keys(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(tuple(f"{k}:" for k in VIEW_KEYS)))


def test_the_fuzzing_covers_every_scenario_key_and_the_motion_reader():
    """Issue 28 item 6: the view keys are fuzzed with their own kinds of values, every top key with
    wrong values, and the .mot reader with any text and with table-shaped files."""
    assert {"hide", "bones", "camera", "contacts", "labels"} <= set(VIEW_KEYS) <= set(TOP_KEYS)
    assert set(TOP_KEYS) <= set(SCENARIO_REQUIRED) | set(SCENARIO_OPTIONAL)
    assert not any(line.startswith(tuple(f"{k}:" for k in VIEW_KEYS)) for line in
                   _without_view_keys(LEG_RAISE).splitlines())  # the fuzzed keys replace the scenario's own
    fuzzed = {name for name, value in globals().items() if hasattr(value, "hypothesis")}
    assert {"test_any_text_is_a_motion_table_or_a_clear_error",
            "test_motion_files_convert_to_a_scenario_or_a_clear_error",
            "test_well_formed_motion_files_always_convert",
            "test_any_bytes_in_a_motion_file_are_read_as_a_table_or_a_clear_error",
            "test_labels_load_when_every_name_is_a_muscle_and_are_refused_at_their_line_otherwise",
            "test_hide_labels_bones_camera_and_contacts_are_checked_or_refused_and_a_loaded_view_draws"} <= fuzzed


@FUZZ
@given(view_keys)
def test_hide_labels_bones_camera_and_contacts_are_checked_or_refused_and_a_loaded_view_draws(full_body, keys):
    from viewer.core.view.movers import pinned
    from viewer.core.view.viewstate import ViewState, degenerate_view

    text = _without_view_keys(LEG_RAISE) + "\n" + (_dump(keys) if keys else "")
    scenario = loads_or_refuses(text, full_body)
    if scenario is None:
        return
    state = ViewState.from_scenario(scenario, full_body)  # what every output draws from
    assert 0.0 <= state.bone_opacity <= 1.0
    assert state.hidden_mask(full_body).sum() < len(full_body.muscles)  # never every muscle
    camera = scenario.camera
    if "position" in camera:
        assert not degenerate_view(np.subtract(camera["position"], camera["focal_point"]), camera["up"])
    assert camera.get("view_angle", 30) <= 120
    assert all(pinned(full_body, [name]) for name in scenario.labels)  # every label kept names a muscle



@FUZZ
@given(st.lists(label_names, max_size=5))
def test_labels_load_when_every_name_is_a_muscle_and_are_refused_at_their_line_otherwise(full_body, names):
    from viewer.core.view.movers import pinned

    text = _without_view_keys(LEG_RAISE) + "\n" + _dump({"labels": names})
    known = all(pinned(full_body, [name]) for name in names)
    try:
        scenario = scenario_from_text(text, "fuzz.yaml")
        check_against_model(scenario, full_body)
    except ViewerError as exc:
        assert not known, exc
        line = len(_without_view_keys(LEG_RAISE).splitlines()) + 1  # where the dumped `labels:` starts
        assert all(p.line is not None and p.line >= line and "\n" not in str(p) for p in exc.problems), exc
        return
    assert known and scenario.labels == names


# --- the .mot reader's row thinning -------------------------------------------------------------------------------
@FUZZ
@given(st.lists(st.tuples(st.floats(0.001, 0.1), st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=60),
       st.sampled_from([0.01, 0.5, 2.0]))
def test_thinned_rows_stay_within_tolerance_of_every_row(steps, tolerance):
    """Straight lines between the kept rows pass within the tolerance of every dropped row."""
    from viewer.core.motion.motfile import _thin

    times = np.cumsum([s[0] for s in steps])
    values = np.cumsum([[s[1], s[2]] for s in steps], axis=0)
    keep = _thin(values, times, np.full(2, tolerance))
    assert keep[0] == 0 and keep[-1] == len(times) - 1 and keep == sorted(set(keep))
    for c in range(2):
        line = np.interp(times, times[keep], values[keep, c])
        assert np.all(np.abs(line - values[:, c]) <= tolerance * (1 + 1e-9) + 1e-12)
