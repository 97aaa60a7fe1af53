"""`muscle-viewer batch` on the local pool, and `export --workers`: the outputs are the single
commands' files, a re-run renders only what changed, SIGTERM leaves nothing partial."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch_helpers import (FPS, SMALL, check_consistent, cli, done_names, frame_checksums, leftovers,
                                 manifest, pixels, skipped_names, small_library)
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def expected_outputs(plan) -> dict[str, int]:
    """Each output of a plan with its frame count (stills: 0)."""
    from viewer.batch.jobs import expand
    from viewer.batch.plan import load_plan
    from viewer.core.view.playback import export_times
    from viewer.core.scenario.read import load_scenario

    out = {}
    for job in expand(load_plan(plan)):
        scenario = load_scenario(job.scenario)
        out[job.name] = export_times(scenario.duration, job.fps, 1.0, 1, scenario.loop)[0].size \
            if job.kind == "video" else 0
    return out


def pool_library(tmp_path_factory):
    """The 12-output plan rendered once per test session by the local pool (2 workers)."""
    root = tmp_path_factory.getbasetemp() / "batch-pool"
    if not (root / "finished").exists():
        shutil.rmtree(root, ignore_errors=True)
        plan = small_library(root)
        run = cli("batch", plan, "-o", root / "out", "--workers", 2)
        assert run.returncode == 0, run.stderr
        assert len(done_names(run)) == 12, run.stdout
        (root / "finished").write_text(run.stdout)
    return root


def single_runs(tmp_path_factory):
    """The same 12 outputs, each from its own `muscle-viewer export` / `snapshot` command line
    (once per test session)."""
    from viewer.cli import main

    root = tmp_path_factory.getbasetemp() / "batch-singles"
    if not (root / "finished").exists():
        lib = pool_library(tmp_path_factory)
        for name in expected_outputs(lib / "plan.yaml"):
            scenario, file = name.split("/")
            view = "three-quarter" if file.startswith("three-quarter") else "left"
            (root / scenario).mkdir(parents=True, exist_ok=True)
            source = lib / "scenarios" / f"{scenario}.yaml"
            if file.endswith(".mp4"):
                args = ["export", source, "-o", root / name, "--size", SMALL, "--fps", FPS, "--view", view, "--quiet"]
            else:
                from viewer.core.scenario.read import load_scenario

                first_end = load_scenario(source).phases[0].end
                args = ["snapshot", source, "-o", root / name, "--size", SMALL, "--view", view, "--time", first_end]
            assert main([str(a) for a in args]) == 0
        (root / "finished").write_text("yes")
    return root


@pytest.fixture
def library(tmp_path_factory):
    return pool_library(tmp_path_factory)


def test_pool_outputs_are_the_single_commands_outputs(tmp_path_factory, library):
    singles = single_runs(tmp_path_factory)
    expected = expected_outputs(library / "plan.yaml")
    check_consistent(library / "out", expected)
    # two workers made all twelve: each stayed up (model and renderer loaded) from job to job
    assert len({entry["worker"] for entry in manifest(library / "out").values()}) == 2
    for name in expected:
        ours, theirs = library / "out" / name, singles / name
        if name.endswith(".mp4"):
            assert frame_checksums(ours) == frame_checksums(theirs), name
            assert len(frame_checksums(ours)) == expected[name]
            assert ours.read_bytes() == theirs.read_bytes(), name  # the very same file
        else:
            assert (pixels(ours) == pixels(theirs)).all(), name


def test_unchanged_rerun_renders_nothing(library):
    before = {p: p.stat().st_mtime_ns for p in (library / "out").rglob("*.*") if p.name != "manifest.json"}
    run = cli("batch", library / "plan.yaml", "-o", library / "out")
    assert run.returncode == 0, run.stderr
    assert done_names(run) == set() and len(skipped_names(run)) == 12
    assert run.stdout.splitlines()[-1].startswith("0 done, 12 skipped (current), 0 failed in ")
    assert {p: p.stat().st_mtime_ns for p in before} == before  # no file was written again


def test_editing_one_scenario_renders_only_its_outputs(library, tmp_path):
    copy = tmp_path / "lib"
    shutil.copytree(library, copy)  # keeps modification times: the copy's outputs are current
    scenario = copy / "scenarios" / "crunch.yaml"
    # a new caption for the first phase, whole: at the small size the long caption runs off the
    # top of the frame, so a change to its first sentence alone would not show in the still
    from viewer.core.scenario.read import load_scenario

    caption = load_scenario(scenario).phases[0].caption
    assert caption in scenario.read_text()
    scenario.write_text(scenario.read_text().replace(caption, "The ribs curl toward the pelvis."))
    run = cli("batch", copy / "plan.yaml", "-o", copy / "out")
    assert run.returncode == 0, run.stderr
    assert done_names(run) == {"crunch/left-small.mp4", "crunch/left-small-phase-1-end.png",
                               "crunch/three-quarter-small.mp4", "crunch/three-quarter-small-phase-1-end.png"}
    assert len(skipped_names(run)) == 8
    assert not (pixels(copy / "out/crunch/left-small-phase-1-end.png")
                == pixels(library / "out/crunch/left-small-phase-1-end.png")).all()  # the new caption
    check_consistent(copy / "out", expected_outputs(copy / "plan.yaml"))


def batch_with_one_output_done(plan, out) -> subprocess.Popen:
    """A one-worker batch of the plan, started and waited on until its first output is recorded."""
    proc = subprocess.Popen([sys.executable, "-m", "viewer", "batch", str(plan), "-o", str(out), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not ((out / "manifest.json").exists() and manifest(out)):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no output finished: {proc.communicate()}")
        time.sleep(0.1)
    return proc


def test_sigterm_leaves_no_partial_file_and_the_rerun_goes_on(tmp_path):
    plan = small_library(tmp_path, names=("leg_raise", "crunch"), views=("left",))
    out = tmp_path / "out"
    proc = batch_with_one_output_done(plan, out)
    try:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "batch interrupted" in err and "Traceback" not in err
    assert leftovers(out) == []
    finished = set(manifest(out))
    assert 1 <= len(finished) < 4
    expected = expected_outputs(plan)
    check_consistent(out, {name: expected[name] for name in finished})
    written = {name: (out / name).stat().st_mtime_ns for name in finished}

    run = cli("batch", plan, "-o", out, "--workers", 1)
    assert run.returncode == 0, run.stderr
    assert skipped_names(run) == finished  # nothing finished was rendered again
    assert done_names(run) == set(expected) - finished
    assert {name: (out / name).stat().st_mtime_ns for name in finished} == written
    check_consistent(out, expected)


def test_export_workers_writes_the_single_process_file(tmp_path):
    """The squat keeps its feet on the floor by contacts warm-started frame to frame: each
    worker samples every frame so its share is drawn from the very same poses."""
    from viewer.cli import main

    one, two = tmp_path / "one.mp4", tmp_path / "two.mp4"
    common = ["--size", SMALL, "--fps", "4", "--view", "three-quarter", "--quiet"]
    assert main(["export", str(ROOT / "scenarios/bodyweight_squat.yaml"), "-o", str(one), *common]) == 0
    assert main(["export", str(ROOT / "scenarios/bodyweight_squat.yaml"), "-o", str(two), *common,
                 "--workers", "2"]) == 0
    assert frame_checksums(one) == frame_checksums(two)
    assert len(frame_checksums(two)) > 8
    assert one.read_bytes() == two.read_bytes()


def test_a_killed_local_worker_is_replaced_and_its_job_done_again(tmp_path):
    plan = small_library(tmp_path, names=("leg_raise", "crunch"), views=("left",))
    out = tmp_path / "out"
    proc = batch_with_one_output_done(plan, out)  # warm, and on its second job
    try:
        workers = [pid for pid in spawned_children(proc.pid)]
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGKILL)  # the batch's own worker process, started by this test
        stdout, err = proc.communicate(timeout=400)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"stopped (exit code -{int(signal.SIGKILL)}); it goes to another worker" in err
    check_consistent(out, expected_outputs(plan))


def spawned_children(parent: int) -> list[int]:
    """Worker processes multiprocessing spawned for `parent` (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_failing_output_is_one_line_in_the_table_and_the_rest_are_made(tmp_path):
    plan = small_library(tmp_path, names=("crunch",), views=("left",))
    bad = tmp_path / "scenarios" / "broken.yaml"
    bad.write_text((tmp_path / "scenarios" / "crunch.yaml").read_text().replace("trunk_flexion", "trunk_flexon", 1))
    plan.write_text(plan.read_text().replace("scenarios: [", "scenarios: [scenarios/broken.yaml, ")
                    .replace("outputs: [mp4, ", "outputs: ["))
    run = cli("batch", plan, "-o", tmp_path / "out", "--workers", 1)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    failed = [line for line in run.stdout.splitlines() if line.startswith("failed ")]
    assert len(failed) == 1 and failed[0].split()[1] == "broken/left-small-phase-1-end.png"
    assert "broken.yaml:" in failed[0] and "unknown joint 'trunk_flexon' (did you mean trunk_flexion?)" in failed[0]
    assert done_names(run) == {"crunch/left-small-phase-1-end.png"}
    assert run.stdout.splitlines()[-1].startswith("1 done, 0 skipped (current), 1 failed in ")
    assert set(manifest(tmp_path / "out")) == {"crunch/left-small-phase-1-end.png"}
    assert not (tmp_path / "out" / "broken" / "left-small-phase-1-end.png").exists()
