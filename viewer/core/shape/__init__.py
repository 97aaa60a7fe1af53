"""Muscle shape solving: the numbers every muscle surface is built from.

Owns each muscle's physiological shape (fibre/tendon split, volume-keeping belly radii:
muscle_shape), the strand centre lines and ring radii solved per frame (strands), the ring
geometry of the tubes (tubes), the smooth surfaces of the flat muscles (sheets) and the
line-of-action thickness rule (thickness). The window, every export and the take-home page
draw from these, so they cannot drift apart.

Imports only numpy and viewer.core (the catalogue): no Qt, no VTK. render/scene.py turns
these numbers into VTK surfaces; share/page.py sends them to three.js.
"""
