"""Decimated bone meshes and their normals: close to the full bones, cached per model on disk."""
import numpy as np
import trimesh

from viewer.core.model import decimate
from viewer.core.model.decimate import Surface, bone_surfaces, vertex_normals


def sphere(radius=0.05):
    mesh = trimesh.creation.icosphere(subdivisions=4, radius=radius)  # 5120 triangles
    return np.asarray(mesh.vertices), np.asarray(mesh.faces)


def test_decimated_sphere_keeps_a_fifth_of_its_triangles_and_its_shape():
    verts, faces = sphere(0.05)
    v, f = decimate.decimate(verts, faces, 0.2)
    assert 0.15 * len(faces) <= len(f) <= 0.25 * len(faces)
    assert f.max() < len(v)
    radius = np.linalg.norm(v, axis=1)
    assert np.abs(radius - 0.05).max() < 0.0015  # within 1.5 mm of the true surface


def test_small_meshes_are_left_whole():
    verts, faces = trimesh.creation.box().vertices, trimesh.creation.box().faces
    v, f = decimate.decimate(verts, faces, 0.2)
    assert len(f) == len(faces)


def test_vertex_normals_of_a_sphere_point_outward():
    verts, faces = sphere(1.0)
    n = vertex_normals(verts, faces)
    assert n.dtype == np.float32
    assert np.einsum("ij,ij->i", n, verts / np.linalg.norm(verts, axis=1, keepdims=True)).min() > 0.999


def test_bone_normals_agree_with_trimesh(full_body):
    verts, faces = full_body.bone_mesh(full_body.bone_geoms[0])
    ours = vertex_normals(verts, faces)
    theirs = trimesh.Trimesh(verts, faces, process=False).vertex_normals
    assert np.median(np.einsum("ij,ij->i", ours, theirs)) > 0.99


class FakeModel:
    """The two things bone_surfaces reads from a model."""

    def __init__(self, meshes):
        self.meshes = meshes
        self.bone_geoms = list(range(len(meshes)))
        self.reads = 0

    def bone_mesh(self, geom):
        self.reads += 1
        return self.meshes[geom]


def same(a: Surface, b: Surface) -> bool:
    return (np.array_equal(a.verts, b.verts) and np.array_equal(a.faces, b.faces)
            and np.array_equal(a.normals, b.normals))


def test_bone_surfaces_are_written_once_and_read_back_from_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_CACHE", str(tmp_path))
    monkeypatch.setattr(decimate, "_memory", {})
    model = FakeModel([sphere(0.05), (trimesh.creation.box().vertices, trimesh.creation.box().faces)])
    full, fast = bone_surfaces(model)
    files = list(tmp_path.glob("bones-*.npz"))
    assert len(files) == 1
    assert len(full[0].faces) == 5120 and len(fast[0].faces) < 0.25 * 5120
    assert len(fast[1].faces) == 12  # a box stays a box

    monkeypatch.setattr(decimate, "_memory", {})
    monkeypatch.setattr(decimate, "decimate", lambda *a: (_ for _ in ()).throw(AssertionError("recomputed")))
    full2, fast2 = bone_surfaces(model)
    assert all(same(a, b) for a, b in zip(full + fast, full2 + fast2))


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_CACHE", str(tmp_path))
    monkeypatch.setattr(decimate, "_memory", {})
    model = FakeModel([sphere(0.05)])
    full, fast = bone_surfaces(model)
    (path,) = tmp_path.glob("bones-*.npz")
    path.write_bytes(b"not a numpy file")
    monkeypatch.setattr(decimate, "_memory", {})
    full2, fast2 = bone_surfaces(model)
    assert same(fast[0], fast2[0]) and path.stat().st_size > 1000


def test_a_changed_mesh_gets_its_own_cache_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_CACHE", str(tmp_path))
    monkeypatch.setattr(decimate, "_memory", {})
    bone_surfaces(FakeModel([sphere(0.05)]))
    full, _ = bone_surfaces(FakeModel([sphere(0.06)]))
    assert len(list(tmp_path.glob("bones-*.npz"))) == 2
    assert abs(np.linalg.norm(full[0].verts, axis=1).max() - 0.06) < 1e-6


def test_full_body_fast_bones_are_a_fraction_of_the_full_ones(full_body, tmp_path, monkeypatch):
    monkeypatch.setenv("MUSCLE_VIEWER_CACHE", str(tmp_path))
    monkeypatch.setattr(decimate, "_memory", {})
    full, fast = bone_surfaces(full_body)
    assert len(full) == len(fast) == len(full_body.bone_geoms)
    total_full = sum(len(s.faces) for s in full)
    total_fast = sum(len(s.faces) for s in fast)
    assert total_fast < 0.3 * total_full
    # Each fast bone stays where its full bone is: same bounding box to within 3 mm.
    for a, b in zip(full, fast):
        assert np.abs(a.verts.min(axis=0) - b.verts.min(axis=0)).max() < 0.003
        assert np.abs(a.verts.max(axis=0) - b.verts.max(axis=0)).max() < 0.003
