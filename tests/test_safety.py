"""Nothing lost, nothing hangs: full disks, signals, permissions, hostile files and huge numbers.

Each test does what a careless or hostile user would and checks what they would see: the old
file still there, a one-line message, a non-zero exit, an answer within seconds.
"""
import contextlib
import os
import signal
import stat
import subprocess
import sys
import time
import tracemalloc

import pytest

from tests.conftest import ROOT, SCENARIOS
from viewer.core.base.errors import ViewerError
from viewer.core.base.files import atomic_write_text
from viewer.core.scenario.read import load_scenario

ENV = {"PATH": "/usr/bin:/bin", "MUJOCO_GL": "disable", "HOME": str(ROOT / ".."),
       "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"],
       "MUSCLE_VIEWER_CACHE": str(ROOT / ".pytest_cache" / "models")}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(*argv, timeout=120):
    return subprocess.run([sys.executable, "-m", "viewer", *map(str, argv)], capture_output=True, text=True,
                          cwd=ROOT, env=ENV, timeout=timeout)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr  # no exception class names
    return lines[0]


# --- permissions and what may be replaced ---------------------------------------------------------
def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.csv", "a\n")
        assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644
        kept = tmp_path / "kept.yaml"
        kept.write_text("old\n")
        os.chmod(kept, 0o640)
        atomic_write_text(kept, "new\n")
        assert kept.read_text() == "new\n" and stat.S_IMODE(os.stat(kept).st_mode) == 0o640
    finally:
        os.umask(old)
    os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "private.csv", "a\n")
        assert stat.S_IMODE(os.stat(tmp_path / "private.csv").st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_fifo_or_folder_at_the_output_is_refused_not_replaced(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    with pytest.raises(ViewerError, match="is a FIFO"):
        atomic_write_text(fifo, "x\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(ViewerError, match="is a folder"):
        atomic_write_text(tmp_path, "x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary file left


def test_a_symlink_is_written_through_and_a_symlink_loop_is_one_line(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    (tmp_path / "link.csv").symlink_to(real)
    atomic_write_text(tmp_path / "link.csv", "new\n")
    assert (tmp_path / "link.csv").is_symlink() and real.read_text() == "new\n"
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    with pytest.raises(ViewerError, match="symbolic link loop"):
        atomic_write_text(tmp_path / "a.csv", "x\n")


def test_convert_refuses_to_overwrite_without_force(tmp_path):
    from viewer.cli import main

    mine = tmp_path / "mine.yaml"
    mine.write_text("# my hand-written scenario\n")
    mot = tmp_path / "m.mot"
    mot.write_text("m\nversion=1\ninDegrees=yes\nendheader\ntime\thip_flexion_r\n0\t0\n1\t30\n")
    assert main(["convert", str(mot), str(mine)]) == 1
    assert mine.read_text() == "# my hand-written scenario\n"
    assert main(["convert", str(mot), str(mine), "--force"]) == 0
    assert "hip_flexion" in mine.read_text()


# --- a full disk and signals keep the old file --------------------------------------------------
@contextlib.contextmanager
def small_tmpfs(folder, options: str = "size=64k"):
    """A 64 KB tmpfs mounted at `folder` for the block (root only: the test is skipped otherwise)."""
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)])


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs holding a 'good old video' and nearly full (root only)."""
    with small_tmpfs(tmp_path / "small") as mount:
        (mount / "old.mp4").write_bytes(b"good old video " * 2000)  # 30 KB
        (mount / "filler").write_bytes(b"\0" * 30_000)
        yield mount


def test_full_disk_export_fails_with_one_line_and_keeps_the_old_video(full_disk):
    result = cli("export", SCENARIOS / "leg_raise.yaml", "-o", full_disk / "old.mp4", "--size", "128x96",
                 "--fps", "3", "--quiet")
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "old.mp4" in line and "No space left on device" in line
    assert (full_disk / "old.mp4").read_bytes() == b"good old video " * 2000
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "old.mp4"]


def test_full_disk_csv_fails_with_one_line(full_disk):
    result = cli("lengths", SCENARIOS / "leg_raise.yaml", "-o", full_disk / "old.mp4".replace("mp4", "csv"))
    assert result.returncode == 1
    assert "No space left on device" in one_line(result.stderr)
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "old.mp4"]


@pytest.mark.parametrize("delay", [0.8, 2.0])
def test_an_early_sigterm_exits_non_zero_and_keeps_the_old_file(tmp_path, delay):
    """SIGTERM while the model loads or VTK sets up the scene: the export stops, the old file stays."""
    target = tmp_path / "old.gif"
    target.write_bytes(b"GIF89a good old animation")
    child = subprocess.Popen([sys.executable, "-m", "viewer", "export", str(SCENARIOS / "leg_raise.yaml"), "-o",
                              str(target), "--size", "96x64", "--fps", "4", "--quiet"],
                             cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0, err
    assert "wrote" not in err
    assert target.read_bytes() == b"GIF89a good old animation"
    assert [p.name for p in tmp_path.iterdir()] == ["old.gif"]


def test_a_swallowed_signal_still_stops_the_write(tmp_path):
    """A signal whose KeyboardInterrupt a C++ library swallowed: the flag still stops the rename."""
    from viewer.core.base import interrupt

    target = tmp_path / "x.csv"
    target.write_text("old\n")

    def write(tmp):
        with open(tmp, "w") as f:
            f.write("new\n")
        interrupt._received = signal.SIGTERM  # what the handler records before its exception is lost

    from viewer.core.base.files import atomic_write

    try:
        with pytest.raises(KeyboardInterrupt):
            atomic_write(target, write)
        assert interrupt.exit_code() == 143
    finally:
        interrupt.reset()
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_an_unwritable_folder_is_one_line(tmp_path):
    with small_tmpfs(tmp_path / "ro", "size=64k,ro") as mount:
        result = cli("lengths", SCENARIOS / "leg_raise.yaml", "-o", mount / "x.csv")
    assert result.returncode == 1
    assert "Read-only file system" in one_line(result.stderr)


# --- hostile input files ---------------------------------------------------------------------------
def _refused_quickly(path, match):
    """Loading `path` raises one clear problem within 2 s, and within 200 MB of Python memory."""
    start = time.monotonic()
    with pytest.raises(ViewerError) as caught:
        load_scenario(path)
    took = time.monotonic() - start
    tracemalloc.start()  # a second run for memory: tracing slows Python down several times
    try:
        with pytest.raises(ViewerError):
            load_scenario(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert took < 2.0 and peak < 200 * 2**20, (took, peak)
    assert len(caught.value.problems) == 1
    assert match in str(caught.value), str(caught.value)
    return str(caught.value)


ALIAS_BOMB = "\n".join(["format: 1", "title: bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
                       + [f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 10)}]" for k in range(9)]
                       + ["keyframes: *j"]) + "\n"


def test_an_alias_bomb_is_refused_within_2_s_and_200_mb(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 1000  # expands to 10¹⁰ values
    _refused_quickly(bomb, "alias bomb")


def test_recursive_aliases_and_deep_nesting_are_one_line(tmp_path):
    (tmp_path / "loop.yaml").write_text("format: 1\ntitle: t\nkeyframes: &k\n  - *k\n")
    _refused_quickly(tmp_path / "loop.yaml", "recursive alias")
    (tmp_path / "deep.yaml").write_text("format: 1\ntitle: t\nkeyframes: " + "[" * 5000 + "]" * 5000 + "\n")
    _refused_quickly(tmp_path / "deep.yaml", "nest")  # libyaml stops at 1000 levels
    (tmp_path / "deep.yaml").write_text("format: 1\ntitle: t\nkeyframes: " + "[" * 100 + "]" * 100 + "\n")
    _refused_quickly(tmp_path / "deep.yaml", "nested more than 40 levels deep")


def test_dev_zero_and_a_fifo_are_refused_within_2_s(tmp_path):
    assert "not a regular file" in _refused_quickly("/dev/zero", "device")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    _refused_quickly(fifo, "FIFO")
    from viewer.core.motion.motfile import read_mot

    with pytest.raises(ViewerError, match="FIFO"):
        read_mot(fifo)


def test_validate_refuses_a_fifo_on_the_command_line_at_once(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = cli("validate", fifo, timeout=30)
    assert result.returncode == 1
    assert "FIFO" in one_line(result.stderr)


def test_a_huge_file_is_refused_before_reading(tmp_path):
    from viewer.core.base import limits

    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(limits.SCENARIO_BYTES + 1)  # sparse: no disk used
    _refused_quickly(big, "larger than")


@pytest.mark.parametrize("text, message", [
    ("keyframes:\n  - {time: 0, pose: {}}\n  - {time: 1.0e+308, pose: {}}\n", "numbers beyond"),
    ("keyframes:\n  - {time: 0, pose: {hip_flexion: 1" + "0" * 400 + "}}\n", "numbers beyond"),
    ("keyframes:\n  - {time: 0, pose: {}}\n  - {time: 86400, pose: {}}\n", "the longest scenario"),
    ("keyframes: [" + ", ".join(f"{{time: {i}}}" for i in range(10_001)) + "]\n", "at most 10,000"),
])
def test_huge_numbers_and_counts_in_a_scenario_are_refused(tmp_path, text, message):
    path = tmp_path / "huge.yaml"
    path.write_text("format: 1\ntitle: huge\n" + text)
    _refused_quickly(path, message)


@pytest.mark.parametrize("zoom, message", [
    ("1.0e+12", "'camera.zoom' is 1e+12: numbers beyond"),
    ("1000", "'camera.zoom' must be at most 10, not 1000"),
    ("0.01", "'camera.zoom' must be at least 0.1, not 0.01"),
])
def test_a_degenerate_camera_zoom_is_refused_with_its_line(tmp_path, capsys, zoom, message):
    """A zoom beyond what fits a picture draws blank frames: refused, naming the file, line and key."""
    from viewer.cli import main

    path = tmp_path / "zoom.yaml"
    path.write_text(f"format: 1\ntitle: t\nkeyframes:\n  - {{time: 0, pose: {{}}}}\ncamera:\n  view: left\n"
                    f"  zoom: {zoom}\n")
    assert main(["validate", str(path)]) == 1
    assert one_line(capsys.readouterr().err).startswith(f"{path}:7: {message}")
    path.write_text(path.read_text().replace(f"zoom: {zoom}", "zoom: 10"))
    assert main(["validate", str(path)]) == 0


# --- huge command-line values are refused before any work ------------------------------------------
@pytest.mark.parametrize("argv, message", [
    (["export", "LEG", "-o", "OUT.mp4", "--fps", "1e9"], "too high"),
    (["export", "LEG", "-o", "OUT.mp4", "--loops", "100000000"], "too many"),
    (["export", "LEG", "-o", "OUT.mp4", "--fps", "240", "--loops", "1000"], "frames; at most"),
    (["snapshot", "LEG", "-o", "OUT.png", "--size", "7680x7680"], "megapixels"),
    (["lengths", "LEG", "-o", "OUT.csv", "--fps", "1e9"], "too high"),
    (["compare", "LEG", "CRUNCH", "-o", "OUT.mp4", "--speed", "0.00001"], "frames; at most"),
])
def test_huge_fps_loops_and_sizes_are_refused_before_any_work(tmp_path, capsys, argv, message):
    from viewer.cli import main

    named = {"LEG": SCENARIOS / "leg_raise.yaml", "CRUNCH": SCENARIOS / "crunch.yaml"}
    argv = [str(named[a]) if a in named else str(tmp_path / a) if a.startswith("OUT") else a for a in argv]
    start = time.monotonic()
    assert main(argv) == 1
    assert time.monotonic() - start < 10  # nothing was rendered or sampled: these would take hours or GBs
    assert message in one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_fps_inf_and_nan_are_usage_errors(capsys, value):
    from viewer.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["export", str(SCENARIOS / "leg_raise.yaml"), "-o", "/tmp/never.mp4", "--fps", value])
    assert caught.value.code == 2
    assert "--fps" in capsys.readouterr().err


def test_the_refusals_read_as_plain_sentences(capsys):
    from viewer.cli import main

    assert main(["export", str(SCENARIOS / "leg_raise.yaml"), "-o", "/tmp/never.mp4", "--fps", "1e9"]) == 1
    assert one_line(capsys.readouterr().err) == "muscle-viewer: fps 1e+09 is too high: at most 240"
    assert main(["snapshot", str(SCENARIOS / "leg_raise.yaml"), "-o", "/tmp/never.png", "--size", "7680x7680"]) == 1
    assert one_line(capsys.readouterr().err) == ("muscle-viewer: bad size '7680x7680': 59.0 megapixels is more than "
                                                 "the 8.3 allowed (3840x2160)")


def test_an_encoder_failure_is_one_line_and_never_a_finished_video(tmp_path):
    import numpy as np

    from viewer.render.export import VideoEncoder

    writer = VideoEncoder(str(tmp_path / "x.mp4"), (64, 64), 10, ["-c:v", "no_such_codec"])
    with pytest.raises(ViewerError, match="the video encoder (failed|stopped): .*no_such_codec"):
        for _ in range(50):
            writer.send(np.zeros((64, 64, 3), np.uint8))
        writer.close()
    writer.abandon()


def test_a_video_that_does_not_read_back_is_refused(tmp_path):
    from viewer.render.export import count_video_frames
    import imageio_ffmpeg

    (tmp_path / "cut.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 500)  # a header and nothing else
    assert count_video_frames(imageio_ffmpeg.get_ffmpeg_exe(), str(tmp_path / "cut.mp4")) == 0


# --- messages: one line, no class names, no escape sequences ------------------------------------
def test_summary_with_measures_on_a_zero_length_scenario(tmp_path, capsys):
    from viewer.cli import main

    path = tmp_path / "still.yaml"
    path.write_text("format: 1\ntitle: Held still\nkeyframes:\n  - {time: 0, pose: {hip_flexion: 10}}\n"
                    "measure:\n  - {label: Ribs to pubis, from: lower_ribs, to: pubic_symphysis}\n"
                    "  - {label: Nowhere, from: lower_ribs, to: lower_ribs}\n")
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Whole exercise  (0–0 s)" in out and "Nowhere: 0.0 cm → 0.0 cm (+0.0 cm)" in out


def test_control_characters_in_a_title_are_escaped_on_the_terminal(tmp_path, capsys):
    from viewer.cli import main

    path = tmp_path / "evil.yaml"
    path.write_text('format: 1\ntitle: "Evil\\e[2J\\e[H\\rok"\nkeyframes:\n  - {time: 0, pose: {}}\n'
                    '  - {time: 1, pose: {hip_flexion: 20}}\n'
                    'phases:\n  - {name: "p\\a", from: 0, to: 1, caption: "c\\e]0;x\\a"}\n')
    assert main(["validate", str(path)]) == 0
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\a" not in out
    assert "Evil\\x1b[2J\\x1b[H\\x0dok" in out and "c\\x1b]0;x\\x07" in out
    assert main(["validate", str(tmp_path / "missing\x1b[2J.yaml")]) == 1
    assert "\x1b" not in capsys.readouterr().err


def test_mujoco_messages_are_whole_with_their_line(tmp_path, capsys):
    from viewer.cli import main

    (tmp_path / "dup.xml").write_text('<mujoco>\n  <worldbody>\n    <body name="a"><geom size="0.1"/></body>\n'
                                      '    <body name="a"><geom size="0.1"/></body>\n  </worldbody>\n</mujoco>\n')
    (tmp_path / "dup.yaml").write_text("format: 1\ntitle: t\nmodel: dup.xml\nkeyframes:\n  - {time: 0, pose: {}}\n")
    assert main(["validate", str(tmp_path / "dup.yaml")]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.endswith("dup.xml:4: cannot load this MuJoCo model: repeated name 'a' in body (element 'body')"), line


def test_a_model_without_muscles_is_one_line_for_lengths_and_validate_alike(tmp_path, capsys):
    from viewer.cli import main

    (tmp_path / "bare.xml").write_text('<mujoco>\n  <worldbody>\n    <body name="arm">\n'
                                       '      <joint name="elbow" type="hinge" range="0 140"/>\n'
                                       '      <geom size="0.03"/>\n    </body>\n  </worldbody>\n</mujoco>\n')
    (tmp_path / "bare.yaml").write_text("format: 1\ntitle: t\nmodel: bare.xml\nkeyframes:\n"
                                        "  - {time: 0, pose: {elbow: 0}}\n  - {time: 1, pose: {elbow: 90}}\n")
    out = tmp_path / "lengths.csv"
    assert main(["lengths", str(tmp_path / "bare.yaml"), "-o", str(out)]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"{tmp_path / 'bare.yaml'}:3: ") and "bare.xml has no muscles" in line, line
    assert not out.exists()
    assert main(["validate", str(tmp_path / "bare.yaml")]) == 1  # never "ok" for a model with nothing to show
    assert "has no muscles" in one_line(capsys.readouterr().err)
    assert main(["lengths", str(tmp_path / "bare.yaml"), "-o", "-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "has no muscles" in one_line(captured.err)


def test_a_symlink_loop_as_input_is_one_line(tmp_path, capsys):
    from viewer.cli import main

    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert main(["validate", str(tmp_path / "a.yaml")]) == 1
    assert "symbolic link loop" in one_line(capsys.readouterr().err)


def test_the_readme_limits_table_matches_the_code():
    from viewer.core.base.limits import TABLE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for what, limit in TABLE:
        assert f"| {what} | {limit} |" in readme, what


def test_a_model_with_thousands_of_bodies_is_refused_before_compiling(tmp_path, capsys):
    from viewer.cli import main

    chain = "".join(f'<body name="b{i}" pos="0 0 0.01"><joint type="hinge"/><geom size="0.01"/>' for i in range(3000))
    (tmp_path / "chain.xml").write_text(f"<mujoco><worldbody>{chain}{'</body>' * 3000}</worldbody></mujoco>\n")
    (tmp_path / "chain.yaml").write_text("format: 1\ntitle: t\nmodel: chain.xml\nkeyframes:\n  - {time: 0, pose: {}}\n")
    start = time.monotonic()
    assert main(["validate", str(tmp_path / "chain.yaml")]) == 1
    assert time.monotonic() - start < 2
    assert "3,000 bodies; models of at most 1,000 are read" in one_line(capsys.readouterr().err)
