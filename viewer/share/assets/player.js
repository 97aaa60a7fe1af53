// The take-home page's player: reads the frames packed by viewer/share/page.py and plays them
// with three.js (inlined as the global MV3 by tools/three/). Everything is built once; per
// frame only bone transforms, tube points/normals and colours are rewritten in place.
(function () {
  "use strict";
  const { THREE, OrbitControls } = globalThis.MV3;
  const data = JSON.parse(document.getElementById("mv-data").textContent);
  const $ = (id) => document.getElementById(id);

  // Colours are the app's own RGB values: no colour management, as the window (VTK) draws them.
  THREE.ColorManagement.enabled = false;

  function bytes(b64) {
    const text = atob(b64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  const u16 = (b64) => new Uint16Array(bytes(b64).buffer);
  const i16 = (b64) => new Int16Array(bytes(b64).buffer);
  const f32 = (b64) => new Float32Array(bytes(b64).buffer);
  const u32 = (b64) => new Uint32Array(bytes(b64).buffer);
  const i8 = (b64) => new Int8Array(bytes(b64).buffer);

  function dequantise(q, lo, hi) {
    const out = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) {
      const k = i % 3;
      out[i] = lo[k] + (q[i] / 65535) * (hi[k] - lo[k]);
    }
    return out;
  }

  // --- renderer, camera, lights ---------------------------------------------------------------
  let renderer;
  try {
    renderer = new THREE.WebGLRenderer({ antialias: true, alpha: true });
  } catch (err) {
    $("failed").hidden = false;
    return;
  }
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(0x000000, 0);
  $("stage").appendChild(renderer.domElement);

  const scene = new THREE.Scene();
  const cam = data.camera;
  const camera = new THREE.PerspectiveCamera(cam.fov, 1, 0.01, 100);
  const direction = new THREE.Vector3().fromArray(cam.direction).normalize();
  // Orbit about the world vertical, as the window does, unless the view looks straight down.
  camera.up.set(0, 0, 1);
  if (Math.abs(direction.z) > 0.95) camera.up.fromArray(cam.up);
  scene.add(new THREE.AmbientLight(0xffffff, 1.1));
  const headlight = new THREE.DirectionalLight(0xffffff, 2.0);
  camera.add(headlight);
  headlight.position.set(0.3, 0.6, 1);
  headlight.target.position.set(0, 0, -1);
  camera.add(headlight.target);
  const fill = new THREE.DirectionalLight(0xffffff, 0.6);
  fill.position.set(-0.5, -1, 0.4);
  scene.add(fill);
  scene.add(camera);

  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enableDamping = true;
  controls.dampingFactor = 0.12;
  controls.screenSpacePanning = true;

  const lo = new THREE.Vector3().fromArray(cam.lo);
  const hi = new THREE.Vector3().fromArray(cam.hi);
  const centre = lo.clone().add(hi).multiplyScalar(0.5);

  function freeBands() {
    // The parts of the screen the text leaves for the body, in normalised device coordinates:
    // below the title (and the legend, where it spans the screen, as on a phone held upright)
    // and above the caption and controls. A legend at the side (a wide screen) leaves two:
    // below it across the whole width, or beside it from below the title; the fit takes
    // whichever shows the body larger, so the body is never under the legend.
    const h = Math.max(window.innerHeight, 1), w = Math.max(window.innerWidth, 1);
    const legend = $("legend").getBoundingClientRect();
    const spans = legend.width > 0.6 * w;
    const top = (spans ? $("top") : $("title")).getBoundingClientRect().bottom + 8;
    const bottom = $("bottom").getBoundingClientRect().top - 8;
    if (bottom - top < 0.35 * h) return [{ top: 0.70, bottom: -0.70, left: -0.92, right: 0.92 }]; // a tiny window
    const whole = { top: 1 - 2 * top / h, bottom: 1 - 2 * bottom / h, left: -0.92, right: 0.92 };
    if (spans || legend.width === 0) return [whole];
    const below = legend.bottom + 8;
    const bands = [{ ...whole, right: Math.min(0.92, 2 * (legend.left - 8) / w - 1) }];
    if (bottom - below >= 0.35 * h) bands.push({ ...whole, top: 1 - 2 * below / h });
    return bands;
  }
  let fitted = null; // the band the body was fitted into
  function freeBand() { return fitted || freeBands()[0]; }

  function fitCamera() {
    // The closest camera along the view that keeps the body's box inside a free band: slid
    // sideways and up or down to centre it there (as the window's camera.fit).
    const up = camera.up.clone().sub(direction.clone().multiplyScalar(camera.up.dot(direction))).normalize();
    const right = new THREE.Vector3().crossVectors(up, direction);
    const ty = Math.tan(THREE.MathUtils.degToRad(cam.fov) / 2) / (cam.zoom || 1);
    const tx = ty * camera.aspect;
    const corners = [];
    for (const x of [lo.x, hi.x]) for (const y of [lo.y, hi.y]) for (const z of [lo.z, hi.z]) {
      const rel = new THREE.Vector3(x, y, z).sub(centre);
      corners.push([rel.dot(right), rel.dot(up), rel.dot(direction)]);
    }
    function shifts(d, band) { // sideways and vertical shifts that fit every corner at distance d, or null
      let xlo = -Infinity, xhi = Infinity, ylo = -Infinity, yhi = Infinity;
      for (const [rx, ry, rz] of corners) {
        const depth = d - rz;
        if (depth <= 1e-3) return null;
        xlo = Math.max(xlo, rx - band.right * depth * tx); xhi = Math.min(xhi, rx - band.left * depth * tx);
        ylo = Math.max(ylo, ry - band.top * depth * ty); yhi = Math.min(yhi, ry - band.bottom * depth * ty);
      }
      return xlo <= xhi && ylo <= yhi ? [(xlo + xhi) / 2, (ylo + yhi) / 2] : null;
    }
    let best = null;
    for (const band of freeBands()) {
      let near = Math.max(...corners.map((c) => c[2])) + 1e-3, far = near + 100;
      for (let k = 0; k < 60; k++) {
        const mid = (near + far) / 2;
        if (shifts(mid, band)) far = mid; else near = mid;
      }
      if (!best || far < best.far) best = { far, band };
    }
    const { far, band } = best;
    fitted = band;
    const [sx, sy] = shifts(far, band);
    controls.target.copy(centre).addScaledVector(right, sx).addScaledVector(up, sy);
    camera.position.copy(controls.target).addScaledVector(direction, far);
    camera.near = far / 50;
    camera.far = far * 10;
    camera.updateProjectionMatrix();
    controls.update();
  }

  // --- bones and props: rigid meshes, one transform each per frame ------------------------------
  const F = data.count;
  const pieceMeshes = data.pieces.map((p) => {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(dequantise(u16(p.vertices), p.lo, p.hi), 3));
    geometry.setIndex(new THREE.BufferAttribute(p.wide ? u32(p.faces) : u16(p.faces), 1));
    geometry.computeVertexNormals();
    const material = new THREE.MeshPhongMaterial({
      color: new THREE.Color(p.colour), specular: 0x2a2a2a, shininess: 25,
      transparent: p.opacity < 1, opacity: p.opacity, depthWrite: p.opacity >= 1,
    });
    const mesh = new THREE.Mesh(geometry, material);
    scene.add(mesh);
    return mesh;
  });
  const piecePos = f32(data.piecePos);
  const pieceQuat = i16(data.pieceQuat);
  const qa = new THREE.Quaternion(), qb = new THREE.Quaternion();

  function showPieces(f0, f1, a) {
    const P = pieceMeshes.length;
    for (let p = 0; p < P; p++) {
      const i0 = (f0 * P + p), i1 = (f1 * P + p);
      const mesh = pieceMeshes[p];
      mesh.position.set(
        piecePos[3 * i0] + a * (piecePos[3 * i1] - piecePos[3 * i0]),
        piecePos[3 * i0 + 1] + a * (piecePos[3 * i1 + 1] - piecePos[3 * i0 + 1]),
        piecePos[3 * i0 + 2] + a * (piecePos[3 * i1 + 2] - piecePos[3 * i0 + 2]));
      qa.set(pieceQuat[4 * i0], pieceQuat[4 * i0 + 1], pieceQuat[4 * i0 + 2], pieceQuat[4 * i0 + 3]).normalize();
      qb.set(pieceQuat[4 * i1], pieceQuat[4 * i1 + 1], pieceQuat[4 * i1 + 2], pieceQuat[4 * i1 + 3]).normalize();
      mesh.quaternion.slerpQuaternions(qa, qb, a);
    }
  }

  if (data.floor) { // the window's floor (core/view/drawing.floor_plan): a mat under a lying body, else a disc
    const fl = data.floor;
    const material = new THREE.MeshPhongMaterial({ color: new THREE.Color(fl.colour), shininess: 5, specular: 0x111111 });
    let mat;
    if (fl.shape === "mat") {
      mat = new THREE.Mesh(new THREE.BoxGeometry(fl.size[0], fl.size[1], fl.thickness - 0.002), material);
      mat.position.set(fl.centre[0], fl.centre[1], fl.level - (fl.thickness - 0.002) / 2);
    } else {
      const n = 64, ring = [0, 0, 0], fan = [], up = [];
      for (let k = 0; k < n; k++) {
        ring.push(fl.radius * Math.cos(2 * Math.PI * k / n), fl.radius * Math.sin(2 * Math.PI * k / n), 0);
        fan.push(0, k + 1, (k + 1) % n + 1);
      }
      for (let k = 0; k <= n; k++) up.push(0, 0, 1);
      const disc = new THREE.BufferGeometry();
      disc.setAttribute("position", new THREE.BufferAttribute(new Float32Array(ring), 3));
      disc.setAttribute("normal", new THREE.BufferAttribute(new Float32Array(up), 3));
      disc.setIndex(new THREE.Uint16BufferAttribute(fan, 1));
      mat = new THREE.Mesh(disc, material);
      mat.position.set(fl.centre[0], fl.centre[1], fl.level);
    }
    scene.add(mat);
  }

  // --- muscles: fixed-topology tubes around per-frame centre lines ------------------------------
  const st = data.strands, R = st.rings, S = st.count, SIDES = 6;
  const strandMuscle = u16(st.muscle);
  const stillRad = bytes(st.stillRadius), movingRad = bytes(st.movingRadius); // radius = radiusMax · (q / 255)²
  const rgba = bytes(data.muscles.rgba); // (F, M, 4)
  const M = data.muscles.names.length;
  const focus = data.muscles.focus;
  const sq = [st.lo, st.hi];
  const stillIds = u16(st.still), movingIds = u16(st.moving);
  const stillPts = u16(st.stillPoints), movingPts = u16(st.movingPoints);
  const where = new Int32Array(S); // ≥ 0: row among the moving strands; < 0: −1 − row among the still ones
  stillIds.forEach((s, k) => { where[s] = -1 - k; });
  movingIds.forEach((s, k) => { where[s] = k; });
  const centre3 = new Float32Array(S * R * 3); // this frame's centre lines, world metres
  const radius1 = new Float32Array(S * R); // this frame's ring radii, metres: the window's bellies and tendons

  function fillCentres(f0, f1, a) {
    const span = [0, 1, 2].map((k) => (sq[1][k] - sq[0][k]) / 65535);
    const Sm = movingIds.length;
    for (let s = 0; s < S; s++) {
      const row = where[s];
      for (let j = 0; j < R; j++) {
        let q;
        if (row < 0) q = stillRad[(-1 - row) * R + j];
        else {
          const q0 = movingRad[(f0 * Sm + row) * R + j], q1 = movingRad[(f1 * Sm + row) * R + j];
          q = q0 + a * (q1 - q0);
        }
        radius1[s * R + j] = st.radiusMax * (q / 255) * (q / 255);
        for (let k = 0; k < 3; k++) {
          let q;
          if (row < 0) q = stillPts[((-1 - row) * R + j) * 3 + k];
          else {
            const q0 = movingPts[((f0 * Sm + row) * R + j) * 3 + k];
            const q1 = movingPts[((f1 * Sm + row) * R + j) * 3 + k];
            q = q0 + a * (q1 - q0);
          }
          centre3[(s * R + j) * 3 + k] = sq[0][k] + q * span[k];
        }
      }
    }
  }

  // One dynamic mesh of tubes or sheets: positions, normals and colours rewritten every frame
  // (owner holds the typed arrays and gets the attributes and the mesh).
  function addDynamicMesh(owner, scene, n, index, seeThrough, specular, shininess) {
    const geometry = new THREE.BufferGeometry();
    owner.posAttr = new THREE.BufferAttribute(owner.positions, 3).setUsage(THREE.DynamicDrawUsage);
    owner.nrmAttr = new THREE.BufferAttribute(owner.normals, 3).setUsage(THREE.DynamicDrawUsage);
    owner.colAttr = new THREE.BufferAttribute(owner.colours, owner.channels, true).setUsage(THREE.DynamicDrawUsage);
    geometry.setAttribute("position", owner.posAttr);
    geometry.setAttribute("normal", owner.nrmAttr);
    geometry.setAttribute("color", owner.colAttr);
    geometry.setIndex(n < 65536 ? new THREE.Uint16BufferAttribute(index, 1) : new THREE.Uint32BufferAttribute(index, 1));
    const material = new THREE.MeshPhongMaterial({
      vertexColors: true, specular, shininess,
      transparent: seeThrough, depthWrite: !seeThrough, side: seeThrough ? THREE.FrontSide : THREE.DoubleSide,
    });
    owner.mesh = new THREE.Mesh(geometry, material);
    owner.mesh.frustumCulled = false;
    owner.mesh.renderOrder = seeThrough ? 1 : 0;
    scene.add(owner.mesh);
  }

  class Tubes {
    constructor(strands, seeThrough) {
      this.strands = strands;
      const n = strands.length * R * SIDES;
      this.positions = new Float32Array(n * 3);
      this.normals = new Float32Array(n * 3);
      this.channels = seeThrough ? 4 : 3;
      this.colours = new Uint8Array(n * this.channels);
      const index = [];
      for (let s = 0; s < strands.length; s++) {
        for (let j = 0; j < R - 1; j++) {
          for (let k = 0; k < SIDES; k++) {
            const a = (s * R + j) * SIDES + k, b = (s * R + j) * SIDES + (k + 1) % SIDES;
            index.push(a, b, b + SIDES, a, b + SIDES, a + SIDES);
          }
        }
      }
      addDynamicMesh(this, scene, n, index, seeThrough, 0x404040, 18);
    }

    update(f0, f1, a) {
      const t = new Float32Array(R * 3);
      const pos = this.positions, nrm = this.normals, col = this.colours, C = this.channels;
      const cosA = [], sinA = [];
      for (let k = 0; k < SIDES; k++) { cosA.push(Math.cos(2 * Math.PI * k / SIDES)); sinA.push(Math.sin(2 * Math.PI * k / SIDES)); }
      for (let si = 0; si < this.strands.length; si++) {
        const s = this.strands[si], c = (s * R) * 3;
        // tangents: central differences, one-sided at the ends
        for (let j = 0; j < R; j++) {
          const jp = Math.min(j + 1, R - 1), jm = Math.max(j - 1, 0);
          let x = centre3[c + jp * 3] - centre3[c + jm * 3], y = centre3[c + jp * 3 + 1] - centre3[c + jm * 3 + 1],
            z = centre3[c + jp * 3 + 2] - centre3[c + jm * 3 + 2];
          const l = Math.hypot(x, y, z) || 1e-9;
          t[j * 3] = x / l; t[j * 3 + 1] = y / l; t[j * 3 + 2] = z / l;
        }
        // one reference normal per strand: the normal of the plane it bends in (no twisting rings)
        const e = c + (R - 1) * 3, mid = c + (R >> 1) * 3;
        const ch = [centre3[e] - centre3[c], centre3[e + 1] - centre3[c + 1], centre3[e + 2] - centre3[c + 2]];
        const bow = [0, 1, 2].map((k) => centre3[mid + k] - 0.5 * (centre3[c + k] + centre3[e + k]));
        let ref = cross(ch, bow);
        const chl2 = ch[0] * ch[0] + ch[1] * ch[1] + ch[2] * ch[2];
        if (Math.hypot(...ref) < 1e-4 * Math.max(chl2, 1e-12)) {
          const ax = [0, 0, 0];
          const absC = ch.map(Math.abs);
          ax[absC.indexOf(Math.min(...absC))] = 1;
          ref = cross(ch, ax);
        }
        const rl = Math.hypot(...ref) || 1e-12;
        ref = ref.map((v) => v / rl);
        const m = strandMuscle[s];
        const o = (f0 * M + m) * 4, o1 = (f1 * M + m) * 4;
        const colour = [0, 1, 2, 3].map((k) => rgba[o + k] + a * (rgba[o1 + k] - rgba[o + k]));
        // tendons: the muscle's colour washed pale (core/view/drawing.tendon_colour, as the window)
        const pale = [0, 1, 2].map((k) => colour[k] * (1 - st.tendonMix) + st.tendonWhite[k] * st.tendonMix).concat([colour[3]]);
        for (let j = 0; j < R; j++) {
          const paint = st.tendonRings[j] ? pale : colour;
          const tx = t[j * 3], ty = t[j * 3 + 1], tz = t[j * 3 + 2];
          const d = ref[0] * tx + ref[1] * ty + ref[2] * tz;
          let nx = ref[0] - d * tx, ny = ref[1] - d * ty, nz = ref[2] - d * tz;
          const nl = Math.hypot(nx, ny, nz) || 1e-9;
          nx /= nl; ny /= nl; nz /= nl;
          const bx = ty * nz - tz * ny, by = tz * nx - tx * nz, bz = tx * ny - ty * nx;
          const r = radius1[s * R + j];
          const cx = centre3[c + j * 3], cy = centre3[c + j * 3 + 1], cz = centre3[c + j * 3 + 2];
          for (let k = 0; k < SIDES; k++) {
            const v = ((si * R + j) * SIDES + k);
            const rx = cosA[k] * nx + sinA[k] * bx, ry = cosA[k] * ny + sinA[k] * by, rz = cosA[k] * nz + sinA[k] * bz;
            pos[v * 3] = cx + r * rx; pos[v * 3 + 1] = cy + r * ry; pos[v * 3 + 2] = cz + r * rz;
            nrm[v * 3] = rx; nrm[v * 3 + 1] = ry; nrm[v * 3 + 2] = rz;
            for (let q = 0; q < C; q++) col[v * C + q] = paint[q];
          }
        }
      }
      this.posAttr.needsUpdate = true;
      this.nrmAttr.needsUpdate = true;
      this.colAttr.needsUpdate = true;
    }
  }

  function cross(a, b) {
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  }

  const inSheet = bytes(st.inSheet); // fascicles of a flat muscle: drawn as its smooth sheet instead
  const focusStrands = [], fadedStrands = [];
  for (let s = 0; s < S; s++) if (!inSheet[s]) (focus[strandMuscle[s]] ? focusStrands : fadedStrands).push(s);
  // the muscles outside the focus: a calm solid layer (see-through only if the window's look says so)
  const tubes = [new Tubes(fadedStrands, st.fadedSeeThrough), new Tubes(focusStrands, false)]
    .filter((t) => t.strands.length);

  // --- flat muscles: one smooth surface per sheet, the window's (core/shape/sheets.py) ---------------
  const sh = data.sheets;
  const sheetPos = []; // per sheet: [moving?, row]
  class Sheets {
    constructor(ids, seeThrough) {
      this.ids = ids;
      const RA = sh.rings * sh.around, n = ids.length * RA;
      this.positions = new Float32Array(n * 3);
      this.normals = new Float32Array(n * 3);
      this.channels = seeThrough ? 4 : 3;
      this.colours = new Uint8Array(n * this.channels);
      const index = [], A = sh.around;
      for (let w = 0; w < ids.length; w++) {
        for (let j = 0; j < sh.rings - 1; j++) {
          for (let k = 0; k < A; k++) { // quads between rings, all round each loop, wound as the window's
            const a = w * RA + j * A + k, b = w * RA + (j + 1) * A + k;
            const c = w * RA + (j + 1) * A + (k + 1) % A, d = w * RA + j * A + (k + 1) % A;
            index.push(a, b, c, a, c, d);
          }
        }
      }
      addDynamicMesh(this, scene, n, index, seeThrough, 0x333333, 15);
    }

    update(t, f0, f1, a) {
      const R = sh.rings, A = sh.around, RA = R * A, C = this.channels;
      const span = [0, 1, 2].map((k) => (st.hi[k] - st.lo[k]) / 65535);
      // the stored sheet frames either side of t
      const T = sh.times;
      let p1 = 1;
      while (p1 < T.length - 1 && T[p1] < t) p1++;
      const p0 = Math.max(p1 - 1, 0);
      const b = T.length > 1 ? Math.min(Math.max((t - T[p0]) / Math.max(T[p1] - T[p0], 1e-9), 0), 1) : 0;
      const Wm = sh.moving.length;
      const pos = this.positions, nrm = this.normals, col = this.colours;
      for (let wi = 0; wi < this.ids.length; wi++) {
        const w = this.ids[wi], [moving, row] = sheetPos[w], scale = sh.scale[w];
        const base = wi * RA;
        for (let j = 0; j < R; j++) {
          const mid = [0, 0, 0];
          for (let k = 0; k < 3; k++) {
            let q;
            if (!moving) q = sheetStillMiddle[(row * R + j) * 3 + k];
            else {
              const q0 = sheetMovingMiddle[((p0 * Wm + row) * R + j) * 3 + k];
              q = q0 + b * (sheetMovingMiddle[((p1 * Wm + row) * R + j) * 3 + k] - q0);
            }
            mid[k] = st.lo[k] + q * span[k];
          }
          for (let i = 0; i < A; i++) {
            const v = base + j * A + i;
            for (let k = 0; k < 3; k++) {
              let o;
              if (!moving) o = sheetStillOffset[((row * R + j) * A + i) * 3 + k];
              else {
                const o0 = sheetMovingOffset[(((p0 * Wm + row) * R + j) * A + i) * 3 + k];
                o = o0 + b * (sheetMovingOffset[(((p1 * Wm + row) * R + j) * A + i) * 3 + k] - o0);
              }
              pos[v * 3 + k] = mid[k] + o * scale;
            }
            const owner = !moving ? sheetStillOwner[row * RA + j * A + i]
              : sheetMovingOwner[((b < 0.5 ? p0 : p1) * Wm + row) * RA + j * A + i];
            const m = strandMuscle[sh.members[w][owner]];
            const o = (f0 * M + m) * 4, o1 = (f1 * M + m) * 4;
            for (let q = 0; q < C; q++) col[v * C + q] = rgba[o + q] + a * (rgba[o1 + q] - rgba[o + q]);
          }
        }
        // normals: across the rings by central differences, round each loop by its neighbours (as the window)
        for (let j = 0; j < R; j++) {
          const jp = Math.min(j + 1, R - 1), jm = Math.max(j - 1, 0);
          for (let i = 0; i < A; i++) {
            const v = base + j * A + i, vp = base + jp * A + i, vm = base + jm * A + i;
            const kp = base + j * A + (i + 1) % A, km = base + j * A + (i + A - 1) % A;
            const gx = pos[vp * 3] - pos[vm * 3], gy = pos[vp * 3 + 1] - pos[vm * 3 + 1], gz = pos[vp * 3 + 2] - pos[vm * 3 + 2];
            const dx = pos[kp * 3] - pos[km * 3], dy = pos[kp * 3 + 1] - pos[km * 3 + 1], dz = pos[kp * 3 + 2] - pos[km * 3 + 2];
            let nx = gy * dz - gz * dy, ny = gz * dx - gx * dz, nz = gx * dy - gy * dx;
            const l = Math.hypot(nx, ny, nz) || 1e-12;
            nrm[v * 3] = nx / l; nrm[v * 3 + 1] = ny / l; nrm[v * 3 + 2] = nz / l;
          }
        }
      }
      this.posAttr.needsUpdate = true;
      this.nrmAttr.needsUpdate = true;
      this.colAttr.needsUpdate = true;
    }
  }
  let sheetStillMiddle, sheetStillOffset, sheetStillOwner, sheetMovingMiddle, sheetMovingOffset, sheetMovingOwner;
  const sheetSets = [];
  if (sh.count) {
    sheetStillMiddle = u16(sh.stillMiddle); sheetStillOffset = i8(sh.stillOffset); sheetStillOwner = bytes(sh.stillOwner);
    sheetMovingMiddle = u16(sh.movingMiddle); sheetMovingOffset = i8(sh.movingOffset); sheetMovingOwner = bytes(sh.movingOwner);
    sh.still.forEach((w, k) => { sheetPos[w] = [false, k]; });
    sh.moving.forEach((w, k) => { sheetPos[w] = [true, k]; });
    const focusSheets = [], fadedSheets = [];
    for (let w = 0; w < sh.count; w++) (focus[strandMuscle[sh.members[w][0]]] ? focusSheets : fadedSheets).push(w);
    if (fadedSheets.length) sheetSets.push(new Sheets(fadedSheets, st.fadedSeeThrough));
    if (focusSheets.length) sheetSets.push(new Sheets(focusSheets, false));
  }

  // --- labels beside the body: the window's movers of the phase, frame by frame -----------------
  const lab = data.labels, NONE = 0xffff, SVGNS = "http://www.w3.org/2000/svg";
  const labelSlots = u16(lab.slots), labelAnchors = u16(lab.anchors);
  const labelEls = [], leaderEls = [];
  for (let k = 0; k < lab.count; k++) {
    const el = document.createElement("div");
    el.className = "label";
    el.hidden = true;
    $("labels").append(el);
    labelEls.push(el);
    const line = document.createElementNS(SVGNS, "line");
    $("leaders").append(line);
    leaderEls.push(line);
  }
  const FLESH = 0.09, GAP = 14; // metres the body's outline lies beyond the bones' origins; px to a label

  function toScreen(v) {
    v.project(camera);
    return [(v.x + 1) / 2 * window.innerWidth, (1 - v.y) / 2 * window.innerHeight];
  }

  function placeLabels(t) {
    const f = Math.min(Math.round(Math.min(Math.max(t, 0), duration) * data.fps), F - 1);
    const w = window.innerWidth, h = window.innerHeight, band = freeBand();
    const top = (1 - band.top) / 2 * h, bottom = (1 - band.bottom) / 2 * h;
    camera.updateMatrixWorld();
    const v = new THREE.Vector3();
    let x0 = Infinity, x1 = -Infinity;
    for (let p = 0; p < data.bones; p++) {
      const [x] = toScreen(v.copy(pieceMeshes[p].position));
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    }
    const items = [];
    for (let k = 0; k < lab.count; k++) {
      const text = labelSlots[(f * lab.count + k) * 2], el = labelEls[k];
      if (text === NONE) { el.hidden = true; leaderEls[k].setAttribute("visibility", "hidden"); continue; }
      if (el.textContent !== lab.texts[text]) el.textContent = lab.texts[text];
      el.hidden = false;
      for (let c = 0; c < 3; c++) {
        const q = labelAnchors[(f * lab.count + k) * 3 + c];
        v.setComponent(c, st.lo[c] + (q / 65535) * (st.hi[c] - st.lo[c]));
      }
      const [ax, ay] = toScreen(v);
      x0 = Math.min(x0, ax); x1 = Math.max(x1, ax);
      items.push({ k, el, ax, ay, width: el.offsetWidth, height: el.offsetHeight });
    }
    if (!items.length) return;
    // the body's outline on screen: a little beyond its bones (the flesh)
    v.copy(centre); const [cx] = toScreen(v);
    v.copy(centre).addScaledVector(new THREE.Vector3().crossVectors(camera.up, direction).normalize(), FLESH);
    const flesh = Math.abs(toScreen(v)[0] - cx);
    x0 -= flesh; x1 += flesh;
    const middle = (x0 + x1) / 2;
    const above = [];
    for (const it of items) { // beside the body on the muscle's side, where there is room
      const roomLeft = x0 - GAP - it.width >= (band.left + 1) / 2 * w - 4 + 8;
      const roomRight = x1 + GAP + it.width <= (band.right + 1) / 2 * w + 4 - 8; // never under the legend
      let left = it.ax < middle;
      if (!(left ? roomLeft : roomRight) && (left ? roomRight : roomLeft)) left = !left;
      it.left = left;
      if (!roomLeft && !roomRight) { above.push(it); it.left = null; continue; }
      it.x = Math.min(Math.max(left ? x0 - GAP - it.width : x1 + GAP, 4), (band.right + 1) / 2 * w - it.width);
      it.y = it.ay - it.height / 2;
    }
    if (above.length) { // no room beside the body (it fills the width, as on a phone): a stack above it, as the window
      let bodyTop = Infinity;
      for (let p = 0; p < data.bones; p++) bodyTop = Math.min(bodyTop, toScreen(v.copy(pieceMeshes[p].position))[1]);
      for (const it of above) bodyTop = Math.min(bodyTop, it.ay);
      bodyTop -= flesh + GAP;
      const stack = above.reduce((sum, it) => sum + it.height + 4, -4);
      let y = Math.max(top, Math.min(bodyTop - stack, bottom - stack));
      for (const it of above.sort((a, b) => a.ax - b.ax)) {
        it.x = Math.min(Math.max(it.ax - it.width / 2, 4), w - it.width - 4);
        it.y = y;
        y += it.height + 4;
      }
    }
    for (const left of [true, false]) { // one column: top to bottom, never overlapping, inside the free band
      const column = items.filter((it) => it.left === left).sort((a, b) => a.y - b.y);
      let y = top;
      for (const it of column) { it.y = Math.max(it.y, y); y = it.y + it.height + 4; }
      const over = y - 4 - bottom;
      if (over > 0) for (const it of column) it.y = Math.max(it.y - over, top);
    }
    for (const it of items) {
      it.el.style.transform = `translate(${Math.round(it.x)}px, ${Math.round(it.y)}px)`;
      const line = leaderEls[it.k];
      const ex = it.left === null ? Math.min(Math.max(it.ax, it.x + 8), it.x + it.width - 8)
        : it.left ? it.x + it.width : it.x;
      const ey = it.left === null ? it.y + it.height : it.y + it.height / 2;
      line.setAttribute("x1", ex); line.setAttribute("y1", ey);
      line.setAttribute("x2", it.ax); line.setAttribute("y2", it.ay);
      line.setAttribute("visibility", "visible");
    }
  }

  // --- text: note, title, legend, captions ------------------------------------------------------
  $("title").textContent = data.title;
  if (data.note) { $("note").textContent = data.note; $("note").hidden = false; }
  $("legend-title").textContent = data.legend.title;
  for (const entry of data.legend.entries) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = entry.colour;
    li.append(sw, document.createTextNode(entry.text));
    $("legend-entries").append(li);
  }
  $("legend-note").textContent = data.legend.note;
  $("legend-scale").textContent = data.legend.scale;

  function phaseAt(t) {
    for (const p of data.phases) if (t >= p.start && t <= p.end) return p;
    return null;
  }

  // --- playback ---------------------------------------------------------------------------------
  const SPEEDS = [1, 0.5, 0.25];
  const state = { time: 0, playing: false, speed: 1, shown: -1 };
  const duration = data.duration;

  const cost = { ms: 0, count: 0 }; // time spent rewriting the frame's numbers, for the size/speed report
  function show(t) {
    const began = performance.now();
    const x = Math.min(Math.max(t, 0), duration) * data.fps;
    const f0 = Math.min(Math.floor(x), F - 1), f1 = Math.min(f0 + 1, F - 1), a = Math.min(x - f0, 1);
    showPieces(f0, f1, a);
    fillCentres(f0, f1, a);
    for (const tube of tubes) tube.update(f0, f1, a);
    for (const set of sheetSets) set.update(Math.min(Math.max(t, 0), duration), f0, f1, a);
    const phase = phaseAt(t);
    $("phase-name").textContent = phase ? phase.name + "." : "";
    $("caption").textContent = phase ? phase.caption : "";
    $("clock").textContent = t.toFixed(2) + " s";
    if (document.activeElement !== $("scrub") || state.playing) {
      $("scrub").value = String(Math.round((t / Math.max(duration, 1e-9)) * 1000));
    }
    state.shown = t;
    cost.ms += performance.now() - began;
    cost.count++;
  }

  function setPlaying(playing) {
    state.playing = playing;
    $("play").innerHTML = playing ? "&#10074;&#10074;" : "&#9654;";
    $("play").setAttribute("aria-label", playing ? "Pause" : "Play");
    if (!playing) {
      // the address now links this moment: copy it to share the exact frame
      // (to a tenth of a millisecond: a moment opened from the address stays that moment)
      history.replaceState(null, "", "#t=" + String(Math.round(state.time * 1e4) / 1e4));
    }
  }

  function seek(t) {
    state.time = Math.min(Math.max(Number(t) || 0, 0), duration);
  }

  function fromHash() {
    const m = /(?:^#|&)t=([0-9]*\.?[0-9]+)/.exec(location.hash);
    if (!m) return false;
    seek(parseFloat(m[1]));
    setPlaying(false);
    return true;
  }

  $("play").addEventListener("click", () => setPlaying(!state.playing));
  $("scrub").addEventListener("input", (ev) => {
    setPlaying(false);
    seek((ev.target.value / 1000) * duration);
  });
  $("speed").addEventListener("click", () => {
    state.speed = SPEEDS[(SPEEDS.indexOf(state.speed) + 1) % SPEEDS.length];
    $("speed").textContent = state.speed + "\u00d7";
  });
  $("reset").addEventListener("click", fitCamera);
  window.addEventListener("hashchange", fromHash);
  window.addEventListener("keydown", (ev) => {
    if (ev.key === " ") { ev.preventDefault(); setPlaying(!state.playing); }
    else if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      setPlaying(false);
      seek(state.time + (ev.key === "ArrowRight" ? 1 : -1) / data.fps);
    }
  });

  function resize() {
    const w = window.innerWidth, h = window.innerHeight;
    renderer.setSize(w, h, false);
    camera.aspect = w / Math.max(h, 1);
    camera.updateProjectionMatrix();
  }
  window.addEventListener("resize", resize);

  let last = performance.now();
  let frames = 0;
  function tick(now) {
    const dt = Math.min((now - last) / 1000, 0.1);
    last = now;
    if (state.playing && duration > 0) state.time = (state.time + dt * state.speed) % duration;
    if (state.time !== state.shown) show(state.time);
    controls.update();
    placeLabels(state.time);
    renderer.render(scene, camera);
    frames++;
    requestAnimationFrame(tick);
  }

  resize();
  if (!fromHash()) setPlaying(true);
  show(state.time);
  fitCamera(); // after the caption is written: the body is fitted above it
  placeLabels(state.time);
  renderer.render(scene, camera);
  requestAnimationFrame(tick);

  // A small handle for tests and for linking: where muscles are on screen, what is shown.
  globalThis.musclePage = {
    get time() { return state.time; },
    get playing() { return state.playing; },
    get frames() { return frames; },
    get updateMs() { return cost.count ? cost.ms / cost.count : 0; },
    play() { setPlaying(true); },
    pause() { setPlaying(false); },
    seek(t) { seek(t); },
    // the labels shown now: their text and CSS-pixel box
    labels() {
      return labelEls.filter((el) => !el.hidden).map((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                 fontSize: parseFloat(getComputedStyle(el).fontSize) };
      });
    },
    // CSS-pixel positions of the centre-line points of every drawn muscle in a group
    project(group) {
      const out = [];
      const v = new THREE.Vector3();
      camera.updateMatrixWorld();
      for (let s = 0; s < S; s++) {
        if (data.muscles.groups[strandMuscle[s]] !== group) continue;
        for (let j = 1; j < R - 1; j++) {
          v.fromArray(centre3, (s * R + j) * 3).project(camera);
          out.push([(v.x + 1) / 2 * window.innerWidth, (1 - v.y) / 2 * window.innerHeight]);
        }
      }
      return out;
    },
    // CSS-pixel box round every bone and muscle point on screen now, and the band the text
    // leaves free for the body (top, bottom)
    bodyBox() {
      const v = new THREE.Vector3();
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      const take = () => {
        v.project(camera);
        const x = (v.x + 1) / 2 * window.innerWidth, y = (1 - v.y) / 2 * window.innerHeight;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      };
      camera.updateMatrixWorld();
      for (let k = 0; k < S * R; k++) { v.fromArray(centre3, k * 3); take(); }
      for (const mesh of pieceMeshes) {
        mesh.updateMatrixWorld();
        const pos = mesh.geometry.attributes.position;
        for (let k = 0; k < pos.count; k += 7) { v.fromBufferAttribute(pos, k).applyMatrix4(mesh.matrixWorld); take(); }
      }
      const band = freeBand();
      const h = window.innerHeight;
      return { left: x0, right: x1, top: y0, bottom: y1, width: window.innerWidth, height: h,
               freeTop: (1 - band.top) / 2 * h, freeBottom: (1 - band.bottom) / 2 * h };
    },
  };
  document.body.dataset.ready = "1";
})();
