"""`muscle-viewer batch --ray` on a real local Ray cluster (two nodes, one CPU each): the same
outputs as the local pool and the single commands, and a batch that survives a killed worker
and a lost node."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    import ray  # noqa: F401
except ImportError:
    if os.environ.get("CI"):  # CI installs the extra (scripts/setup.sh test): there these tests must run
        raise
    pytest.skip("Ray is in the optional 'cluster' extra: pip install 'muscle-viewer[cluster]' "
                "(scripts/setup.sh test installs it)", allow_module_level=True)

from tests.batch_helpers import (check_consistent, cli, done_names, frame_checksums, manifest, pixels,  # noqa: E402
                                 small_library)
from tests.conftest import ROOT  # noqa: E402
from tests.test_batch import expected_outputs, pool_library, single_runs  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def cluster():
    """A head and one more node, one CPU each; workers import this checkout's `viewer`."""
    from ray.cluster_utils import Cluster

    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + saved if saved else "")
    made = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        made.add_node(num_cpus=1)
        made.wait_for_nodes()
        yield made
    finally:
        made.shutdown()
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def render_workers(parent: int | None = None) -> list[int]:
    """Process ids of Ray actors rendering a job now (their title is ray::RenderWorker.render),
    optionally only those started by one raylet."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0]
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if title.startswith(b"ray::RenderWorker.render") and (parent is None or ppid == parent):
            found.append(int(entry.name))
    return found


def start_batch(plan, out, address) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "viewer", "batch", str(plan), "-o", str(out), "--ray", address],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, proc, seconds=240):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def finish(proc, seconds=400) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=seconds)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ray_outputs_are_the_pool_and_single_commands_outputs(cluster, tmp_path_factory, tmp_path):
    library = pool_library(tmp_path_factory)
    singles = single_runs(tmp_path_factory)
    run = cli("batch", library / "plan.yaml", "-o", tmp_path / "out", "--ray", cluster.address)
    assert run.returncode == 0, run.stderr
    assert len(done_names(run)) == 12
    expected = expected_outputs(library / "plan.yaml")
    check_consistent(tmp_path / "out", expected)
    for name in expected:
        ours = tmp_path / "out" / name
        if name.endswith(".mp4"):
            assert frame_checksums(ours) == frame_checksums(library / "out" / name) == frame_checksums(singles / name)
        else:
            assert (pixels(ours) == pixels(library / "out" / name)).all()
            assert (pixels(ours) == pixels(singles / name)).all()
    workers = {entry["worker"].split(",")[0] for entry in manifest(tmp_path / "out").values()}
    assert len(workers) == 2  # both nodes rendered


def test_a_killed_ray_worker_is_replaced_and_its_job_done_again(cluster, tmp_path):
    plan = small_library(tmp_path, names=("leg_raise", "crunch"), views=("left",))
    out = tmp_path / "out"
    proc = start_batch(plan, out, cluster.address)
    victim = wait_for(render_workers, proc)[0]
    os.kill(victim, signal.SIGKILL)  # a Ray worker process of this test's own cluster
    _, err = finish(proc)
    assert proc.returncode == 0, err
    assert "died (ActorDiedError); it goes to another worker" in err, err
    check_consistent(out, expected_outputs(plan))


def test_a_lost_node_does_not_lose_the_batch(cluster, tmp_path):
    extra = cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    plan = small_library(tmp_path, names=("leg_raise", "crunch"), views=("left",))
    out = tmp_path / "out"
    proc = start_batch(plan, out, cluster.address)
    wait_for(lambda: render_workers(parent=extra.all_processes["raylet"][0].process.pid), proc)
    cluster.remove_node(extra)  # the node goes with the job its worker is rendering
    _, err = finish(proc)
    assert proc.returncode == 0, err
    assert "it goes to another worker" in err, err
    check_consistent(out, expected_outputs(plan))
