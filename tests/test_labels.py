"""Labels that tell the story (issue 22, DESIGN §6): which muscles the labels beside the body
name, in which words, and that no label ever says a direction its phase's caption contradicts."""
import numpy as np
import pytest

from tests.conftest import SCENARIOS
from viewer.core.view.captions import caption_claims
from viewer.core.view.movers import PhaseMovers, mover_text

FRAMES_PER_PHASE = 20
SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


def _open(name):
    from viewer.core.model.binding import bind, load_checked

    scenario, model = load_checked(SCENARIOS / name)
    return bind(model, scenario)


def _texts(kin, movers, t):
    lengths = kin.sample([t]).lengths[0]
    return [mover_text(u, c, held, movers.side_name(u)) for u, c, held in movers.at(t, lengths)]


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_no_label_contradicts_its_caption_and_none_flips_within_a_phase(name):
    kin = _open(name)
    movers = PhaseMovers(kin)
    model = kin.model
    for phase, chosen in movers.phases:
        claims = caption_claims(phase.caption, model, movers.legs)
        times = np.linspace(phase.start, phase.end, FRAMES_PER_PHASE + 2)[1:-1]
        frames = kin.sample(times)
        for k, t in enumerate(times):
            shown = movers.at(t, frames.lengths[k])
            assert {u for u, _, _ in shown} <= set(chosen.units)  # the phase's own labels only
            for unit, change, held in shown:
                said = set().union(*[claims.get(i, set()) for i in unit.members])
                direction = "shortens" if change < 0 else "lengthens"
                assert not said or direction in said, (
                    f"{name} at {t:.2f} s: '{mover_text(unit, change, held)}' but the caption of "
                    f"'{phase.name}' says {sorted(said)}")


def test_the_curl_and_the_bench_press_name_the_prime_movers_not_the_anconeus():
    for name, wanted in (("bicep_curl.yaml", "Biceps brachii"), ("bench_press.yaml", "Pectoralis major")):
        kin = _open(name)
        movers = PhaseMovers(kin)
        names = {u.name.split(",")[0] for _, chosen in movers.phases for u in chosen.units}
        assert wanted in names, (name, names)
        assert not names & {"Anconeus", "Supraspinatus"}, (name, names)


def test_the_seated_knee_extension_labels_the_quadriceps():
    kin = _open("seated_knee_extension.yaml")
    movers = PhaseMovers(kin)
    texts = _texts(kin, movers, 1.5)
    quadriceps = {m.lay_name for m in kin.model.muscles_in("quadriceps")}
    assert any(t.split(" — ")[0] in quadriceps and "shortening" in t for t in texts), texts


def test_the_hip_flexor_stretch_names_the_stretched_back_leg():
    kin = _open("hip_flexor_stretch.yaml")
    movers = PhaseMovers(kin)
    sink = _texts(kin, movers, 1.9)
    assert any(t.startswith("Iliacus (back leg) — lengthening") for t in sink), sink
    hold = _texts(kin, movers, 3.0)
    assert any(t.startswith("Iliacus (back leg) — stretched") for t in hold), hold


def test_one_label_per_muscle_with_fascicles_pooled_and_sides_named_only_where_they_differ():
    kin = _open("crunch.yaml")
    movers = PhaseMovers(kin)
    texts = _texts(kin, movers, 1.0)
    bases = [t.split(" — ")[0] for t in texts]
    assert len(bases) == len(set(bases)) and not any("fascicle" in b for b in bases), texts
    assert "Rectus abdominis" in bases and not any("(" in b for b in bases)  # both sides alike: no side
    dead_bug = _open("dead_bug.yaml")
    first = _texts(dead_bug, PhaseMovers(dead_bug), 1.5)
    assert first and any("(left)" in t for t in first), first  # only the left leg moves


def test_a_hold_says_what_the_movement_left():
    kin = _open("leg_raise.yaml")
    texts = _texts(kin, PhaseMovers(kin), 2.75)
    assert any(t.startswith("Psoas major — shortened 20 %") or t.startswith("Iliacus — shortened 30 %")
               for t in texts), texts
    assert any("stretched" in t for t in texts), texts


def test_labels_pinned_in_the_file(tmp_path):
    from viewer.core.model.binding import bind, load_checked
    from viewer.core.base.errors import ViewerError

    text = (SCENARIOS / "leg_raise.yaml").read_text()
    good = tmp_path / "pinned.yaml"
    good.write_text(text.replace("focus: [hip flexors, abdominals, hamstrings]",
                                 "focus: [hip flexors, abdominals, hamstrings]\nlabels: [iliacus, psoas major]"))
    scenario, model = load_checked(good)
    assert scenario.labels == ["iliacus", "psoas major"]
    kin = bind(model, scenario)
    texts = _texts(kin, PhaseMovers(kin), 1.5)
    assert sorted(t.split(" — ")[0] for t in texts) == ["Iliacus", "Psoas major"]
    bad = tmp_path / "typo.yaml"
    bad.write_text(good.read_text().replace("psoas major]", "psoas majr]"))
    with pytest.raises(ViewerError) as caught:
        load_checked(bad)
    line = 1 + bad.read_text().splitlines().index("labels: [iliacus, psoas majr]")
    assert f"typo.yaml:{line}:" in str(caught.value)
    assert "unknown muscle 'psoas majr'" in str(caught.value) and "did you mean psoas major" in str(caught.value)


def test_caption_claims_read_the_sentences_as_a_clinician_would(full_body):
    model = full_body
    claims = caption_claims("The hip flexors (iliacus, psoas) shorten and pull the legs up. Rectus abdominis "
                            "keeps its length. The hamstrings are stretched, and so are the calves.", model)
    index = model.muscle_index
    assert claims[index["iliacus_r"]] == {"shortens"} and claims[index["psoas_l"]] == {"shortens"}
    assert claims[index["rect_abd_r"]] == {"holds"}
    assert claims[index["semiten_r"]] == {"lengthens"} and claims[index["soleus_r"]] == {"lengthens"}
    sided = caption_claims("The left iliacus lengthens while the right iliacus shortens.", model)
    assert sided[index["iliacus_l"]] == {"lengthens"} and sided[index["iliacus_r"]] == {"shortens"}


def test_label_words():
    from viewer.core.view.movers import Unit

    unit = Unit("Iliacus", "left", (0,), (1.0,), "hip flexors")
    assert mover_text(unit, -30.2) == "Iliacus (left) — shortening 30 %"
    assert mover_text(unit, 5.0, held=True, side="back leg") == "Iliacus (back leg) — stretched 5 %"
    assert mover_text(Unit("Iliacus", "", (0,), (1.0,), "hip flexors"), -30, held=True) == "Iliacus — shortened 30 %"


@pytest.mark.parametrize("name, t", [("leg_raise.yaml", 1.25), ("crunch.yaml", 1.0), ("bench_press.yaml", 1.9), ("dead_bug.yaml", 2.0),
                                     ("hip_flexor_stretch.yaml", 3.0)])
def test_leader_lines_cross_neither_the_head_nor_each_other(name, t):
    pytest.importorskip("pyvista")
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, open_stage
    from viewer.render.labels import HEAD_RADIUS, _crosses_circle, _segments_cross

    kin = _open(name)
    feed = FrameFeed(kin, Colouring(kin))
    stage = open_stage(feed, ExportOptions(size=(1280, 720), anti_aliasing="none"))
    try:
        batch = feed.batch([t])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0], scenario_time=t)
        labels = stage.overlays.labels
        count = len(labels.boxes)
        assert count >= 2
        leaders = [(labels._leader_points[2 * k, :2], labels._leader_points[2 * k + 1, :2]) for k in range(count)]
        project = labels._projector()
        head = batch.frames.geom_pos[0][labels._head].mean(axis=0)
        camera = stage.plotter.renderer.GetActiveCamera()
        right = np.cross(camera.GetDirectionOfProjection(), camera.GetViewUp())
        centre, edge = project(np.array([head, head + HEAD_RADIUS * right / np.linalg.norm(right)]))
        radius = np.linalg.norm(edge - centre)
        for k, (a, b) in enumerate(leaders):
            assert not _crosses_circle(a, b, centre, radius), f"{name}: the leader of label {k} crosses the head"
            for c, d in leaders[k + 1:]:
                assert not _segments_cross(a, b, c, d), f"{name}: two leader lines cross"
    finally:
        stage.close()


def test_a_label_names_only_a_drawn_muscle():
    """Hiding the hip flexors in the raise (as the window's muscle list or `hide:` does) takes their
    labels away: the texts drawn beside the body name only muscles still drawn."""
    pytest.importorskip("pyvista")
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, open_stage

    kin = _open("leg_raise.yaml")
    feed = FrameFeed(kin, Colouring(kin))
    hip = {m.index for m in kin.model.muscles_in("hip flexors")}
    hidden = tuple(i in hip for i in range(len(kin.model.muscles)))

    def drawn_texts(options):
        stage = open_stage(feed, options)
        try:
            batch = feed.batch([1.25])
            stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0], scenario_time=1.25)
            labels = stage.overlays.labels
            return [a.GetInput() for a in labels.texts if a.GetVisibility()], labels.shown
        finally:
            stage.close()

    shown_texts, _ = drawn_texts(ExportOptions(size=(640, 360), anti_aliasing="none"))
    assert any(t.startswith(("Iliacus", "Psoas")) for t in shown_texts), shown_texts  # the check can fail
    texts, muscles = drawn_texts(ExportOptions(size=(640, 360), anti_aliasing="none", hidden=hidden))
    assert not set(muscles) & hip, muscles
    assert not any(t.startswith(("Iliacus", "Psoas")) for t in texts), texts


@pytest.mark.parametrize("size", [(1280, 720), (640, 360)])
def test_a_long_caption_is_drawn_whole_never_cut_with_an_ellipsis(size):
    """The hip flexor stretch's first caption (the longest shipped) in a still: wrapped, smaller if
    need be, every word there (it used to end 'the rig…')."""
    pytest.importorskip("pyvista")
    from viewer.core.analysis.colour import Colouring
    from viewer.core.session.feed import FrameFeed
    from viewer.render.export import ExportOptions, open_stage

    kin = _open("hip_flexor_stretch.yaml")
    feed = FrameFeed(kin, Colouring(kin))
    stage = open_stage(feed, ExportOptions(size=size, anti_aliasing="none"))
    try:
        batch = feed.batch([1.0])
        stage.show(batch.frames, 0, stage.scene.paint(batch.rgb, batch.strength)[0], scenario_time=1.0)
        drawn = stage.overlays.caption.GetInput()
        assert "…" not in drawn
        words = lambda text: "".join(ch for ch in text if ch.isalnum())  # noqa: E731
        assert words(drawn) == words(kin.scenario.phases[0].caption)
        assert stage.overlays.caption.size_px[1] < 0.4 * size[1]  # it leaves the body room
    finally:
        stage.close()


def test_angle_read_out_names_the_side_in_words():
    from viewer.core.session.feed import AngleReadout

    kin = _open("dead_bug.yaml")
    readout = AngleReadout(kin)
    labels = [channel[0] for channel in readout._channels]
    assert "Left knee flexion" in labels and "Right hip flexion" in labels
    assert not any(label.endswith((" l", " r")) for label in labels)
    frames = kin.sample([1.0])
    text = readout.text(frames.qpos[0], kin.scenario.phase_at(1.0))
    assert text.startswith(("Left ", "Right ")) and text.endswith("°")
    lunge = AngleReadout(_open("hip_flexor_stretch.yaml"))  # a split stance: the legs by where they are
    labels = [channel[0] for channel in lunge._channels]
    assert "Front knee flexion" in labels and "Back hip flexion" in labels


def test_the_read_out_says_a_bend_a_patient_reads_not_a_plane():
    """The bench press turns the shoulder's elevation plane most (82° to −54°), which says nothing to
    a patient: the read-out gives the elbow's bend instead; a hold back at the start reads 0°, not −0°."""
    from viewer.core.session.feed import AngleReadout

    kin = _open("bench_press.yaml")
    readout = AngleReadout(kin)
    frames = kin.sample([2.25])
    text = readout.text(frames.qpos[0], kin.scenario.phase_at(2.25))
    assert text == "Elbow flexion 125°", text
    assert not any("plane" in c[0] for c in readout._channels if readout._plain[readout._channels.index(c)])
    reverse = _open("reverse_crunch.yaml")
    texts = [AngleReadout(reverse).text(reverse.sample([t]).qpos[0], reverse.scenario.phase_at(t))
             for t in np.linspace(0, reverse.scenario.duration, 41)]
    assert not any("-0°" in t for t in texts), texts


def test_validate_warns_when_a_caption_says_the_opposite_of_the_numbers(tmp_path, capsys):
    """The stale-caption check also reads what a caption says each muscle does."""
    from viewer.cli import main

    path = tmp_path / "leg_raise.yaml"
    path.write_text((SCENARIOS / "leg_raise.yaml").read_text().replace(
        "The hamstrings and glutes are now stretched", "The hamstrings and glutes are now shortened"))
    assert main(["validate", str(path)]) == 0  # a warning: the file plays
    out = capsys.readouterr().out
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "glutes are now shortened" in text)
    assert f"{path}:{line}: warning: caption of phase 'Hold at vertical' says the" in out
    assert "shortens, but it lengthens by" in out
    for name in SHIPPED:  # the shipped captions say what their numbers show
        from viewer.core.analysis.caption_check import contradicted_captions

        assert contradicted_captions(_open(name)) == [], name
