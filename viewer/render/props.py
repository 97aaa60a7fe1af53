"""Prop actors (mat, bench, bars, dumbbell): one actor per prop, built once, moved by its matrix.

Placement is computed in viewer.core.props; a frame here only copies each prop's 4×4
transform into its actor's user matrix, as the bones do.
"""
from __future__ import annotations

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonMath import vtkMatrix4x4


class PropActors:
    def __init__(self, plotter: pv.Plotter, props):
        self.props = props
        self.actors = []
        for mesh in props.meshes:
            cells = np.hstack([np.full((mesh.faces.shape[0], 1), 3), mesh.faces]).ravel()
            # Flat shading: the props are boxes and cylinders, their edges should read crisply.
            poly = pv.PolyData(mesh.vertices.astype(np.float32), faces=cells)
            actor = plotter.add_mesh(poly, color=mesh.colour, smooth_shading=False, specular=0.3,
                                     specular_power=20, diffuse=0.85, ambient=0.2, reset_camera=False,
                                     render=False, show_scalar_bar=False)
            actor.SetUserMatrix(vtkMatrix4x4())
            self.actors.append(actor)

    def update(self, frames, i: int) -> None:
        if not self.actors:
            return
        for actor, matrix in zip(self.actors, self.props.transforms(frames, i)):
            actor.GetUserMatrix().DeepCopy(matrix.ravel())
            actor.Modified()
