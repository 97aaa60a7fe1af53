"""Write an OpenSim version of the teaching arm (meshes/examples/opensim_arm/), with OpenSim itself.

    pip install -e ".[opensim]" && python tools/make_example_osim.py

A real .osim file with its Geometry folder, built through OpenSim's API so OpenSim can read it
back: a humerus welded to the ground, a forearm on an elbow pin joint, and three Millard
muscles with path points. OpenSim's frames are y-up, in metres; the bone meshes are the teaching
arm's, converted to OBJ.
"""
from __future__ import annotations

from pathlib import Path

import opensim as osim
import trimesh

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "meshes" / "examples" / "opensim_arm"
ARM = ROOT / "meshes" / "examples" / "arm"


def mesh_obj(source: str, name: str) -> str:
    """The teaching arm's mesh (mm, z-up) as an OBJ in metres, y-up, for OpenSim."""
    mesh = trimesh.load(ARM / source, force="mesh")
    mesh.apply_scale(0.001)
    mesh.apply_transform(trimesh.transformations.rotation_matrix(-1.5707963267948966, [1, 0, 0]))
    (OUT / "Geometry").mkdir(parents=True, exist_ok=True)
    mesh.export(OUT / "Geometry" / name)
    return name


def main() -> None:
    model = osim.Model()
    model.setName("opensim_teaching_arm")
    model.setGravity(osim.Vec3(0, -9.81, 0))
    humerus = osim.Body("humerus", 2.0, osim.Vec3(0, -0.15, 0), osim.Inertia(0.01, 0.001, 0.01))
    forearm = osim.Body("forearm", 1.2, osim.Vec3(0, -0.12, 0), osim.Inertia(0.006, 0.0006, 0.006))
    model.addBody(humerus)
    model.addBody(forearm)
    shoulder = osim.WeldJoint("shoulder", model.getGround(), osim.Vec3(0, 1.4, 0), osim.Vec3(0, 0, 0),
                              humerus, osim.Vec3(0, 0, 0), osim.Vec3(0, 0, 0))
    elbow = osim.PinJoint("elbow", humerus, osim.Vec3(0, -0.3, 0), osim.Vec3(0, 0, 0),
                          forearm, osim.Vec3(0, 0, 0), osim.Vec3(0, 0, 0))
    flexion = elbow.updCoordinate()
    flexion.setName("elbow_flexion")
    flexion.setRangeMin(0.0)
    flexion.setRangeMax(2.53)
    model.addJoint(shoulder)
    model.addJoint(elbow)
    humerus.attachGeometry(osim.Mesh(mesh_obj("humerus.stl", "humerus.obj")))
    forearm.attachGeometry(osim.Mesh(mesh_obj("forearm.obj", "forearm.obj")))

    # OpenSim: x forward, y up, z right. Flexion about +z brings the forearm forward.
    muscles = {
        "BIClong": (600.0, [("humerus", (0.022, -0.01, 0.0)), ("humerus", (0.03, -0.2, 0.0)),
                        ("forearm", (0.016, -0.045, 0.008))]),
        "BRA": (990.0, [("humerus", (0.012, -0.15, 0.0)), ("forearm", (0.012, -0.03, -0.008))]),
        "TRIlong": (800.0, [("humerus", (-0.02, -0.03, 0.0)), ("humerus", (-0.026, -0.24, 0.0)),
                        ("forearm", (-0.026, 0.014, -0.009))]),
    }
    bodies = {"humerus": humerus, "forearm": forearm}
    for name, (force, points) in muscles.items():
        muscle = osim.Millard2012EquilibriumMuscle(name, force, 0.12, 0.1, 0.0)
        for k, (body, (x, y, z)) in enumerate(points):
            muscle.addNewPathPoint(f"{name}-P{k + 1}", bodies[body], osim.Vec3(x, y, z))
        model.addForce(muscle)
    model.finalizeConnections()
    model.initSystem()
    OUT.mkdir(parents=True, exist_ok=True)
    model.printToXML(str(OUT / "arm.osim"))
    print(f"wrote {OUT / 'arm.osim'}")


if __name__ == "__main__":
    main()
