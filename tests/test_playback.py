"""The playhead's loop rules, without a window."""
import pytest

from viewer.core.view.playback import Playhead


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


def test_the_stored_playback_grid_covers_one_cycle_in_play_order():
    from viewer.core.view.playback import grid_frame, grid_stride, play_order

    assert grid_stride(60, 1.0, 30) == 2 and grid_stride(60, 0.5, 30) == 1 and grid_stride(60, 2, 30) == 4
    assert [grid_frame(i, 2, 9) for i in range(10)] == [0, 2, 2, 4, 4, 6, 6, 8, 8, 9]  # the last frame is kept
    forward = play_order(4, 1, 8, 2, "pingpong")
    assert forward == [(6, 1), (8, 1), (8, -1), (6, -1), (4, -1), (2, -1), (0, -1), (0, 1), (2, 1), (4, 1)]
    backward = play_order(4, -1, 8, 2, "pingpong")
    assert backward[:3] == [(2, -1), (0, -1), (0, 1)] and backward[-1] == (4, -1)
    assert sorted(forward) == sorted(backward)  # one cycle: each frame once each way, whichever way it starts
    assert play_order(4, 1, 8, 2, "repeat") == [(6, 1), (8, 1), (0, 1), (2, 1), (4, 1)]
