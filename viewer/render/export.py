"""Headless export: MP4 (H.264), GIF and PNG stills, streamed and written atomically.

Frames are sampled in small batches, rendered off-screen (EGL, no display needed) and piped
straight into ffmpeg (imageio-ffmpeg's own binary), so memory stays flat whatever the length.
The file appears only when complete: it is written beside the target and renamed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.core.base import interrupt, limits
from viewer.core.base.errors import ViewerError
from viewer.core.base.files import atomic_write
from viewer.core.view.playback import export_times
from viewer.core.view.viewstate import CameraState, Output, View

from .stage import Dressing, Stage

VIDEO_SUFFIXES = (".mp4", ".gif")
STILL_SUFFIXES = (".png",)
BACKGROUND = ((0.13, 0.15, 0.18), (0.27, 0.30, 0.35))  # bottom, top: a calm dark slate
MIN_SIZE, MAX_SIZE = limits.MIN_SIDE, limits.MAX_SIDE


class ExportCancelled(ViewerError):
    def __init__(self):
        super().__init__("export cancelled; nothing was written")


@dataclass
class ExportOptions:
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    speed: float = 1.0  # playback speed: 2 plays the exercise twice as fast
    view: str | None = None  # None: the scenario's camera view
    orbit: float = 0.0  # degrees the camera turns about the vertical over the whole export
    loops: int = 1
    anti_aliasing: str = "fxaa"  # "fxaa" (cheap smoothing), "msaa" (8 samples: stills), "none" (pixel tests)
    transparent: bool = False  # stills only
    text_style: str = "light"  # "light" words for the dark backdrop, "dark" (with a light halo) for slides
    text: bool = True  # title, caption, legend and measuring lines
    legend: bool = True  # the colour legend (side-by-side panels share one instead)
    crf: int = 20  # H.264 quality (lower is better, 18–23 is visually clean)
    muscles: tuple[int, ...] | None = None  # draw only these muscles (tests, close-ups)
    focus: tuple[str, ...] | None = None  # groups drawn in full; None: the scenario's focus
    bone_opacity: float = 1.0
    bones: bool = True
    floor: bool = True
    muscle_style: str = "shapes"  # "shapes" (bellies and tendons) | "lines" (lines of action)
    camera: CameraState | None = None  # None: the scenario's camera (with `view` if given)
    hidden: tuple[bool, ...] | None = None  # per muscle: not drawn (the window's hidden muscles)
    text_unit: float | None = None  # overlay text scale; None: frame height / 720
    loop: str | None = None  # None: the scenario's loop rule
    shown: View | None = None  # the window's (or a saved view's) View: every field not overridden above


    # --- the options are the command line's words for a View, an Output and a Dressing ---------------
    def view_of(self, feed) -> View:
        """The View these options draw of a feed's scenario."""
        scenario = feed.scenario
        hidden = frozenset(m.name for m, h in zip(feed.model.muscles, self.hidden or ()) if h)
        return replace(self.shown or View(scenario), scenario=scenario, colour_source=feed.colouring.key,
                       hidden=hidden, bone_opacity=self.bone_opacity,
                       camera=CameraState.resolve(scenario.camera, self.view, self.camera),
                       speed=self.speed, loop=self.loop or scenario.loop)

    def output(self) -> Output:
        return Output(size=tuple(self.size), fps=self.fps, crf=self.crf, anti_aliasing=self.anti_aliasing,
                      transparent=self.transparent)

    def dressing(self) -> Dressing:
        return Dressing(text=self.text, legend=self.legend, text_style=self.text_style, text_unit=self.text_unit,
                        muscles=self.muscles, focus=self.focus, bones=self.bones, floor=self.floor,
                        muscle_style=self.muscle_style)


def options_from_view(view, model, **options) -> ExportOptions:
    """Export options that draw what a live view state shows: camera, hidden muscles, bones, speed, loop."""
    hidden = tuple(bool(h) for h in view.hidden_mask(model))
    return ExportOptions(shown=view.snapshot(), camera=view.camera, hidden=hidden if any(hidden) else None,
                         bone_opacity=view.bone_opacity, speed=view.playhead.speed, loop=view.playhead.loop,
                         **options)


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720); a one-line error for anything else."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise ViewerError(f"bad size '{text}': write WIDTHxHEIGHT, e.g. 1280x720") from None
    return limits.image_size(w, h, str(text))


def playback(duration: float, options: ExportOptions, loop: str) -> tuple[np.ndarray, np.ndarray]:
    """Scenario times and directions of the exported frames (the loop and frame-count rules are core's)."""
    return export_times(duration, options.fps, options.speed, options.loops, options.loop or loop)


ANTI_ALIASING = ("fxaa", "msaa", "none")


def make_plotter(size: tuple[int, int], anti_aliasing: str, transparent: bool = False, light: bool = False):
    import pyvista as pv
    from vtkmodules.vtkCommonCore import vtkLogger

    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)  # no 'bad X server' noise when headless
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting="light_kit")
    if anti_aliasing not in ANTI_ALIASING:
        raise ViewerError(f"unknown anti-aliasing '{anti_aliasing}'; use {', '.join(ANTI_ALIASING)}")
    # Multisampling is costly in software GL (about 2x a frame); FXAA is one cheap screen pass.
    plotter.ren_win.SetMultiSamples(8 if anti_aliasing == "msaa" else 0)
    plotter.renderer.SetUseFXAA(anti_aliasing == "fxaa")
    if transparent:  # a gradient would paint over the alpha channel
        plotter.ren_win.SetAlphaBitPlanes(1)
        # what half-covered pixels (edges, the text halo) blend with: light for a light slide
        plotter.set_background("white" if light else BACKGROUND[0])
    else:
        plotter.set_background(BACKGROUND[0], top=BACKGROUND[1])
    return plotter


def open_stage(feed, options: ExportOptions) -> Stage:
    """An off-screen Stage drawing what the export options ask."""
    plotter = make_plotter(options.size, options.anti_aliasing, options.transparent,
                           light=options.text_style == "dark")
    return Stage(plotter, feed, options.view_of(feed), options.output(), options.dressing())


def _encoder(path: str, options: ExportOptions) -> "VideoEncoder":
    """A started ffmpeg (imageio-ffmpeg's own binary) for bottom-up RGB frames: send(), close()."""
    w, h = options.size
    if path.lower().endswith(".gif"):
        # One palette for the whole clip (ffmpeg holds the frames, not Python), ordered dither.
        codec, pix_fmt = "gif", "pal8"
        params = ["-vf", "vflip,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4",
                  "-loop", "0"]
    else:
        codec, pix_fmt = "libx264", "yuv420p"
        params = ["-vf", "vflip", "-preset", "veryfast", "-crf", str(options.crf), "-movflags", "+faststart"]
    return VideoEncoder(path, (w, h), options.fps, ["-c:v", codec, "-pix_fmt", pix_fmt] + params)


class VideoEncoder:
    """ffmpeg fed raw frames on stdin. close() fails with one line (ffmpeg's own reason) unless
    ffmpeg exited cleanly and the file reads back with every frame sent: a full disk or a
    broken encoder never passes for a finished video."""

    def __init__(self, path: str, size: tuple[int, int], fps: float, output_args: list[str]):
        import subprocess
        import tempfile
        from fractions import Fraction

        import imageio_ffmpeg

        self.path, self.sent = path, 0
        self.exe = imageio_ffmpeg.get_ffmpeg_exe()
        rate = str(Fraction(fps).limit_denominator(1001))
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: ffmpeg can never block on it
        self._proc = None
        try:
            # A signal while ffmpeg starts waits until its handle exists, then stops it: otherwise
            # ffmpeg would go on and create the temporary file after it had been cleaned up.
            with interrupt.held():
                self._proc = subprocess.Popen(
                    [self.exe, "-y", "-hide_banner", "-nostats", "-loglevel", "error",
                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{size[0]}x{size[1]}", "-r", rate, "-i", "-",
                     *output_args, "-f", "gif" if path.lower().endswith(".gif") else "mp4", path],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log,
                    start_new_session=True)  # Ctrl-C reaches us, not ffmpeg: we decide what is kept
            interrupt.check()
        except BaseException:
            if self._proc is not None:
                self.abandon()
            raise

    def send(self, frame) -> None:
        try:
            self._proc.stdin.write(memoryview(np.ascontiguousarray(frame)).cast("B"))
        except OSError:  # ffmpeg stopped (disk full, bad option): its own words say why
            self._proc.wait()
            raise ViewerError(f"the video encoder stopped: {self._reason()}") from None
        self.sent += 1

    def close(self) -> None:
        """Finish the file, then check it (exit status, frames read back)."""
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        code = self._proc.wait()
        if code != 0:
            raise ViewerError(f"the video encoder failed: {self._reason()}")
        found = count_video_frames(self.exe, self.path)
        if found != self.sent:
            raise ViewerError(f"the finished video reads back {found} of {self.sent} frames; not kept")

    def abandon(self) -> None:
        """Stop ffmpeg without finishing the file (atomic_write deletes it)."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except OSError:
                pass

    def _reason(self) -> str:
        self._log.seek(0)
        return ffmpeg_reason(self._log.read().decode("utf-8", "replace"), self._proc.returncode)


def ffmpeg_reason(log: str, code: int | None) -> str:
    """ffmpeg's first error line (the cause; later ones are consequences), without its
    '[mp4 @ 0x55…]' prefix: one line for a person."""
    if "No space left on device" in log:
        return "the disk is full (No space left on device)"
    lines = [re.sub(r"^\[[^]]*@ 0x[0-9a-f]+\]\s*", "", line).strip() for line in log.splitlines()]
    lines = [line for line in lines if line and not line.lower().startswith("conversion failed")]
    return lines[0] if lines else f"ffmpeg exited with status {code}"


def count_video_frames(exe: str, path: str) -> int:
    """Frames in a video file by reading its packets back (no decoding: fast); 0 if unreadable."""
    import subprocess

    result = subprocess.run([exe, "-hide_banner", "-nostats", "-loglevel", "error", "-i", path, "-map", "0:v:0",
                             "-c", "copy", "-f", "null", "-progress", "pipe:1", "-"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True)
    counts = re.findall(r"^frame=(\d+)", result.stdout, re.MULTILINE)
    return int(counts[-1]) if result.returncode == 0 and counts else 0


def check_video_options(path: str | Path, options: ExportOptions) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ViewerError(f"{path}: unsupported video type '{suffix or '(none)'}'; use {', '.join(VIDEO_SUFFIXES)}")
    w, h = options.size
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise ViewerError(f"bad size {w}x{h}: MP4 (H.264, yuv420p) needs an even width and height")
    limits.frame_rate(options.fps)
    if not (math.isfinite(options.speed) and options.speed > 0 and options.loops >= 1):
        raise ViewerError("speed must be a positive number and loops at least 1")
    if options.loops > limits.LOOPS:
        raise ViewerError(f"loops {options.loops} is too many: at most {limits.LOOPS}")
    limits.image_size(w, h)
    if not math.isfinite(options.orbit):
        raise ViewerError("orbit must be a number of degrees")


def export_frames(feed, options: ExportOptions, draw: Callable[[int], bool] | None = None):
    """Render an export frame by frame: yields (done, total, bottom-up RGB frame).

    A generator, so the app can draw one frame, let its window breathe, and draw the next;
    the command line just runs through it.

    draw(k) → False skips frame k (0-based), for a share of the frames another process renders:
    skipped frames are still sampled, batch by batch as the whole export samples them, because
    sampling is warm-started from frame to frame (contacts), so every drawn frame is the whole
    export's frame, pixel for pixel.
    """
    times, direction = playback(feed.scenario.duration, options, feed.scenario.loop)
    total = times.size
    stage = open_stage(feed, options)
    try:
        done = 0
        for batch in feed.batches(times, direction):
            wanted = [draw is None or draw(done + i) for i in range(len(batch))]
            if not any(wanted):
                done += len(batch)
                continue
            colours = stage.scene.paint(batch.rgb, batch.strength)
            for i in range(len(batch)):
                if not wanted[i]:
                    done += 1
                    continue
                orbit = options.orbit * done / total if options.orbit else 0.0
                stage.show(batch.frames, i, colours[i], orbit)
                done += 1
                yield done, total, stage.pixels()
    finally:
        stage.close()


def export_video(feed, path: str | Path, options: ExportOptions = ExportOptions(),
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> int:
    """Write an MP4 or GIF of the scenario; returns the number of frames written.

    progress(done, total) after every frame; cancel() → True stops the export and removes
    the partial file (ExportCancelled). Ctrl-C does the same.
    """
    check_video_options(path, options)
    return write_video(path, options, export_frames(feed, options), progress, cancel)


def write_video(path: str | Path, options: ExportOptions, frames, progress=None, cancel=None) -> int:
    """Encode (done, total, frame) items into a video written atomically: the one encode loop of
    export and compare."""
    count = 0

    def write(tmp: str) -> None:
        nonlocal count
        writer = None
        try:
            writer = _encoder(tmp, options)
            for done, total, image in frames:
                writer.send(np.ascontiguousarray(image))
                interrupt.check()  # a signal VTK swallowed still stops the export here
                count = done
                if progress:
                    progress(done, total)
                if cancel and cancel():
                    raise ExportCancelled()
        except BaseException:
            if writer is not None:
                _abandon(writer)
            raise
        writer.close()  # waits for ffmpeg to finish the file

    try:
        atomic_write(path, write)
    finally:
        if hasattr(frames, "close"):
            frames.close()  # closes the stage of a generator stopped early
    return count


def _abandon(writer) -> None:
    """Stop ffmpeg without finishing the file (it is deleted by atomic_write)."""
    writer.abandon()


def render_still(feed, t: float, options: ExportOptions = ExportOptions(anti_aliasing="msaa"),
                 direction: float = 1.0) -> np.ndarray:
    """The scenario at time t as an image array (h, w, 3|4), top row first."""
    duration = feed.scenario.duration
    if not 0.0 <= t <= duration:
        start = feed.scenario.lab_start  # shown on the lab's clock, as the user typed it
        raise ViewerError(f"time {t + start:g} s is outside the scenario ({start:g}…{duration + start:g} s)")
    stage = open_stage(feed, options)
    try:
        batch = feed.batch([t], [direction])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0], scenario_time=t)
        return stage.image()
    finally:
        stage.close()


STILL = ExportOptions(anti_aliasing="msaa")


def save_still(feed, t: float, path: str | Path, options: ExportOptions = STILL, direction: float = 1.0) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in STILL_SUFFIXES:
        raise ViewerError(f"{path}: unsupported image type '{suffix or '(none)'}'; use {', '.join(STILL_SUFFIXES)}")
    image = render_still(feed, t, options, direction)
    import imageio.v3 as iio

    atomic_write(path, lambda tmp: iio.imwrite(tmp, image, extension=".png"))
