"""PyVista rendering, no Qt: scene, camera, overlays and export (DESIGN §3).

Nothing here imports MuJoCo or the core's kinematics: callers pass in a Kinematics object,
sampled Frames and a Colouring, and render only reads them.
"""
