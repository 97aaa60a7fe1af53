"""An output never replaces an input, and no temporary file outlives a signal.

Each test points a command's output at a file it reads (directly, through a symlink or a hard
link) and checks what a user would: one line, a non-zero exit, the input byte for byte as it was.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SCENARIOS
from tests.test_safety import ENV, cli, one_line

MODELS = ROOT / "tests" / "fixtures" / "models"


@pytest.fixture
def mine(tmp_path):
    """A scenario of one's own, and its bytes to compare with afterwards."""
    path = tmp_path / "mine.yaml"
    shutil.copy(SCENARIOS / "leg_raise.yaml", path)
    return path, path.read_bytes()


def refused(result, *inputs):
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    assert "reads; an output never replaces an input" in line, line
    for path, before in inputs:
        assert path.read_bytes() == before, f"{path} was changed"
    return line


def test_share_through_a_symlink_to_the_scenario_is_refused_and_the_scenario_untouched(mine, tmp_path):
    path, before = mine
    (tmp_path / "link.html").symlink_to(path)
    line = refused(cli("share", path, "-o", tmp_path / "link.html", "--quiet"), mine)
    assert "link.html: leads to" in line and "mine.yaml" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "mine.yaml"]  # no temporary file


def test_lengths_through_a_symlink_to_the_scenario_is_refused(mine, tmp_path):
    path, _ = mine
    (tmp_path / "link.csv").symlink_to(path)
    refused(cli("lengths", path, "-o", tmp_path / "link.csv"), mine)


def test_a_scenario_named_html_shared_onto_itself_is_refused(mine, tmp_path):
    path, before = mine
    page = tmp_path / "ex.html"
    page.write_bytes(before)
    line = refused(cli("share", page, "-o", page, "--quiet"), (page, before))
    assert "ex.html: is a file this command reads" in line


def test_a_hard_link_to_the_scenario_is_refused(mine, tmp_path):
    path, _ = mine
    os.link(path, tmp_path / "same.png")
    refused(cli("snapshot", path, "-o", tmp_path / "same.png", "--size", "96x64"), mine)


def test_export_onto_the_scenarios_model_file_is_refused(tmp_path):
    for name in ("two_muscles.xml", "two_muscles_curl.yaml"):
        shutil.copy(MODELS / name, tmp_path / name)
    model = tmp_path / "two_muscles.xml"
    before = model.read_bytes()
    (tmp_path / "model.gif").symlink_to(model)
    line = refused(cli("export", tmp_path / "two_muscles_curl.yaml", "-o", tmp_path / "model.gif",
                       "--size", "96x64", "--fps", "2", "--quiet"), (model, before))
    assert "two_muscles.xml" in line


def test_lengths_onto_a_mesh_of_the_model_is_refused(tmp_path):
    shutil.copy(MODELS / "broken" / "bone.stl", tmp_path / "bone.stl")
    (tmp_path / "bone_model.yaml").write_text("format: 1\nbodies:\n  - name: upper_arm\n    mesh: {file: bone.stl}\n"
                                              "muscles: []\n")
    scenario = tmp_path / "bend.yaml"
    scenario.write_text("format: 1\ntitle: x\nmodel: bone_model.yaml\nkeyframes:\n  - time: 0\n    pose: {}\n")
    mesh = tmp_path / "bone.stl"
    before = mesh.read_bytes()
    (tmp_path / "mesh.csv").symlink_to(mesh)
    line = refused(cli("lengths", scenario, "-o", tmp_path / "mesh.csv"), (mesh, before))
    assert "bone.stl" in line


def test_convert_onto_its_own_motion_file_is_refused_even_with_force(tmp_path):
    motion = tmp_path / "walk.mot"
    made = cli("convert", SCENARIOS / "leg_raise.yaml", motion, "--fps", "10")
    assert made.returncode == 0, made.stderr
    before = motion.read_bytes()
    (tmp_path / "walk.yaml").symlink_to(motion)
    refused(cli("convert", motion, tmp_path / "walk.yaml", "--force"), (motion, before))


def test_a_distinct_output_beside_the_input_is_still_written(mine, tmp_path):
    path, before = mine
    result = cli("lengths", path, "-o", tmp_path / "out.csv", "--fps", "5")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.csv").read_text().startswith("time_s,") and path.read_bytes() == before


def test_sighup_during_export_leaves_no_part_file_and_keeps_the_old_video(tmp_path):
    target = tmp_path / "old.mp4"
    target.write_bytes(b"an old video")
    child = subprocess.Popen([sys.executable, "-m", "viewer", "export", str(SCENARIOS / "leg_raise.yaml"), "-o",
                              str(target), "--size", "96x64", "--fps", "10", "--quiet"],
                             cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not any(".part" in p.name for p in tmp_path.iterdir()) and child.poll() is None:
        assert time.monotonic() < deadline, "no temporary file appeared"
        time.sleep(0.05)
    child.send_signal(signal.SIGHUP)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGHUP, err
    assert [p.name for p in tmp_path.iterdir()] == ["old.mp4"]
    assert target.read_bytes() == b"an old video"


def run_signalled(tmp_path, script: str) -> subprocess.CompletedProcess:
    """Run a Python script with muscle-viewer's signal handling installed; it signals itself."""
    (tmp_path / "main.py").write_text("import os, signal, sys, time\nfrom viewer.core.base import interrupt\n"
                                      "interrupt.install()\n" + script)
    return subprocess.run([sys.executable, str(tmp_path / "main.py")], capture_output=True, text=True,
                          cwd=ROOT, env={**ENV, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}, timeout=60)


def test_a_signal_during_an_import_arrives_after_the_module_is_whole(tmp_path):
    """A KeyboardInterrupt inside a VTK module's import crashed the export with SIGSEGV: the signal
    now waits for the import to finish, then stops the run."""
    (tmp_path / "slow_module.py").write_text(
        "import os, signal, time\nos.kill(os.getpid(), signal.SIGHUP)\n"
        "end = time.monotonic() + 0.5\nwhile time.monotonic() < end:\n    pass\nWHOLE = True\n")
    result = run_signalled(tmp_path, """
try:
    import slow_module
    print("imported", slow_module.WHOLE)
    end = time.monotonic() + 5
    while time.monotonic() < end:
        pass
    print("never interrupted")
except interrupt.Interrupted as exc:
    print("interrupted", exc.signum == signal.SIGHUP, "slow_module" in sys.modules)
""")
    assert result.stdout.split("\n")[:2] == ["imported True", "interrupted True True"], result.stderr


def test_a_signal_inside_a_vtk_observer_arrives_after_it_returns(tmp_path):
    """VTK ends the whole process on a KeyboardInterrupt raised in an observer (leaving any .part
    file): an observer marked called_from_c lets the signal arrive once VTK has returned."""
    result = run_signalled(tmp_path, """
from vtkmodules.vtkCommonCore import vtkObject

@interrupt.called_from_c
def observer(*_):
    os.kill(os.getpid(), signal.SIGTERM)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass
    print("observer returned")

watched = vtkObject()
watched.AddObserver("ModifiedEvent", observer)
try:
    watched.Modified()
    print("vtk returned")
    time.sleep(5)
except interrupt.Interrupted:
    print("interrupted", interrupt.exit_code())
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["observer", "returned", "vtk", "returned", "interrupted", "143"], result.stderr


@pytest.mark.parametrize("read", ["two_muscles_curl.yaml", "two_muscles.xml"])
def test_a_batch_output_onto_a_file_its_job_reads_is_refused_naming_the_plan_line(tmp_path, read):
    """A batch output that is (through a symlink) the job's scenario or its model: refused before any
    work with one line naming the plan's line for that scenario, the input byte for byte as it was."""
    for name in ("two_muscles.xml", "two_muscles_curl.yaml"):
        shutil.copy(MODELS / name, tmp_path / name)
    plan = tmp_path / "plan.yaml"
    plan.write_text("format: 1\ntitle: links\nscenarios:\n  - two_muscles_curl.yaml\noutputs: [html]\n")
    (tmp_path / "out" / "two_muscles_curl").mkdir(parents=True)
    (tmp_path / "out" / "two_muscles_curl" / "scenario-view.html").symlink_to(tmp_path / read)
    before = (tmp_path / read).read_bytes()
    line = refused(cli("batch", plan, "-o", tmp_path / "out", "--workers", "1", "--quiet"),
                   (tmp_path / read, before))
    assert line.startswith(f"{plan}:4: ") or line.startswith("plan.yaml:4: "), line
    assert "scenario-view.html: leads to" in line and read in line and "this job reads" in line
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["two_muscles_curl"]  # no manifest, no work
