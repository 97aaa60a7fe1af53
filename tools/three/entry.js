// What the take-home page needs from three.js, exposed as one global so the page's own
// script (viewer/share/assets/player.js) stays a plain, readable, unbundled file.
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";

globalThis.MV3 = { THREE, OrbitControls };
