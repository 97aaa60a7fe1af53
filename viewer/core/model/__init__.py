"""Loading models of every kind: the Model with its joints, muscles, groups and landmarks
(model), MuJoCo files and our YAML models (native), OpenSim models and their meshes (opensim,
opensim_meshes), muscle shape parameters (muscle_params), mesh decimation (decimate) and binding
a scenario to the model it names (binding). It may import core.motion (a model makes its
kinematics), core.shape, core.scenario, core.view and core.base.
"""
