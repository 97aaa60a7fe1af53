"""The playhead's loop rules, without a window."""
import pytest

from viewer.core.playback import Playhead


def test_none_stops_at_the_end_and_play_restarts():
    p = Playhead(duration=4.0, loop="none", playing=True)
    p.advance(3.0)
    assert p.time == pytest.approx(3.0) and p.playing
    p.advance(2.0)
    assert p.time == pytest.approx(4.0) and not p.playing
    p.play()
    assert p.time == 0.0 and p.playing


def test_repeat_wraps_and_speed_scales_time():
    p = Playhead(duration=4.0, loop="repeat", speed=2.0, playing=True)
    p.advance(2.5)  # 5 s of scenario time
    assert p.time == pytest.approx(1.0)


def test_pingpong_turns_around_at_both_ends():
    p = Playhead(duration=4.0, loop="pingpong", playing=True)
    p.advance(5.0)
    assert p.time == pytest.approx(3.0) and p.direction == -1
    p.advance(4.0)
    assert p.time == pytest.approx(1.0) and p.direction == 1


def test_step_pauses_and_moves_whole_frames_and_seek_clamps():
    p = Playhead(duration=2.0, playing=True, time=1.0)
    p.step(+1, fps=30)
    assert not p.playing and p.time == pytest.approx(31 / 30)
    p.seek(10)
    assert p.time == 2.0
    p.seek(-1)
    assert p.time == 0.0
