// What the take-home page needs from three.js, exposed as one global so the page's own
// script (viewer/share/assets/player.js) stays a plain, readable, unbundled file.
// Only the names the player uses are imported, so the bundler leaves the rest of three out;
// tests/test_share.py checks that every THREE.x the player uses is listed here.
import {
  AmbientLight, BoxGeometry, BufferAttribute, BufferGeometry, Color, ColorManagement, DirectionalLight,
  DoubleSide, DynamicDrawUsage, FrontSide, LinearSRGBColorSpace, MathUtils, Mesh, MeshPhongMaterial,
  PerspectiveCamera, Quaternion, Scene, Uint16BufferAttribute, Uint32BufferAttribute, Vector3, WebGLRenderer,
} from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";

const THREE = {
  AmbientLight, BoxGeometry, BufferAttribute, BufferGeometry, Color, ColorManagement, DirectionalLight,
  DoubleSide, DynamicDrawUsage, FrontSide, LinearSRGBColorSpace, MathUtils, Mesh, MeshPhongMaterial,
  PerspectiveCamera, Quaternion, Scene, Uint16BufferAttribute, Uint32BufferAttribute, Vector3, WebGLRenderer,
};
globalThis.MV3 = { THREE, OrbitControls };
