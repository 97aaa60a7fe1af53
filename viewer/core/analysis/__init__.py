"""What the lengths mean: relative rates, change per phase, rankings and landmark distances
(lengths), colour sources turning those values into RGB and legend text (colour), captions checked
against the numbers (caption_check) and plausibility checks of a motion (plausibility). It may
import core.model, core.motion and everything below them.
"""
