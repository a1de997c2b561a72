// The denoising lab's script, called with its block's id: the chapter's models (ONNX files) run in the page with
// ONNX Runtime Web, on a test digit or one the reader draws, under noise made here with dae.noise's definitions.
(function (uid) {
  "use strict";
  var root = document.getElementById(uid);
  var data = JSON.parse(document.getElementById(uid + "-data").textContent);
  var status = document.getElementById(uid + "-status");
  var SIDE = 28, PIXELS = SIDE * SIDE;

  // --- numbers: a seeded generator, the noises, PSNR and SSIM (dae.noise and dae.metrics) ----------------------
  function generator(seed) {  // mulberry32: uniform numbers in [0, 1) from a 32-bit seed
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function normals(uniform) {  // standard normal numbers (Box-Muller), two per pair of uniforms
    var spare = null;
    return function () {
      if (spare !== null) { var s = spare; spare = null; return s; }
      var u = 1 - uniform(), v = uniform(), r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    };
  }
  function clip(v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
  // Each noise maps (clean pixels, level, seed) to noisy pixels in [0, 1], as dae.noise defines it.
  var NOISES = {
    gaussian: function (x, level, seed) {  // clip(x + level * N(0, 1), 0, 1)
      var n = normals(generator(seed)), y = new Float32Array(x.length);
      for (var i = 0; i < x.length; i++) y[i] = clip(x[i] + level * n());
      return y;
    },
    shifted: function (x, level, seed) {  // clip(x + N(level, level), 0, 1): the Keras example's noise at level 0.5
      var n = normals(generator(seed)), y = new Float32Array(x.length);
      for (var i = 0; i < x.length; i++) y[i] = clip(x[i] + level + level * n());
      return y;
    },
    sp: function (x, level, seed) {  // a fraction `level` of pixels set to 0 or 1, equal odds (skimage's "s&p")
      var u = generator(seed), y = new Float32Array(x.length);
      for (var i = 0; i < x.length; i++) {
        var flip = u() < level, salt = u() < 0.5;
        y[i] = flip ? (salt ? 1 : 0) : x[i];
      }
      return y;
    },
  };
  function psnr(a, b) {  // 10 log10(1 / MSE), peak 1
    var sum = 0;
    for (var i = 0; i < a.length; i++) { var d = a[i] - b[i]; sum += d * d; }
    return 10 * Math.log10(1 / (sum / a.length));
  }
  function ssim(a, b) {  // scikit-image's defaults on 28 x 28: 7 x 7 uniform window, sample covariance, data range 1
    // Window sums from summed-area tables (one per quantity), then the mean SSIM over every window inside the image.
    var w = 7, n = w * w, norm = n / (n - 1), c1 = 1e-4, c2 = 9e-4, S = SIDE + 1, total = 0, count = 0;
    var tables = [new Float64Array(S * S), new Float64Array(S * S), new Float64Array(S * S), new Float64Array(S * S), new Float64Array(S * S)];
    for (var i = 0; i < SIDE; i++) {
      for (var j = 0; j < SIDE; j++) {
        var p = a[i * SIDE + j], q = b[i * SIDE + j], values = [p, q, p * p, q * q, p * q], at = (i + 1) * S + j + 1;
        for (var t = 0; t < 5; t++) tables[t][at] = values[t] + tables[t][at - 1] + tables[t][at - S] - tables[t][at - S - 1];
      }
    }
    function box(table, r, c) { return table[(r + w) * S + c + w] - table[r * S + c + w] - table[(r + w) * S + c] + table[r * S + c]; }
    for (var r = 0; r + w <= SIDE; r++) {
      for (var c = 0; c + w <= SIDE; c++) {
        var ux = box(tables[0], r, c) / n, uy = box(tables[1], r, c) / n;
        var vx = norm * (box(tables[2], r, c) / n - ux * ux), vy = norm * (box(tables[3], r, c) / n - uy * uy);
        var vxy = norm * (box(tables[4], r, c) / n - ux * uy);
        total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        count++;
      }
    }
    return total / count;
  }
  function decode(text, type) {  // base64 to Uint8Array or Float32Array (little-endian, as NumPy wrote it)
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return type === "float32" ? new Float32Array(bytes.buffer) : bytes;
  }
  var digits = [];
  var allDigits = decode(data.digits, "uint8");
  for (var d = 0; d < data.count; d++) {
    var image = new Float32Array(PIXELS);
    for (var k = 0; k < PIXELS; k++) image[k] = allDigits[d * PIXELS + k] / 255;
    digits.push(image);
  }

  // --- a drawn digit, prepared as MNIST's were -----------------------------------------------------------------
  function prepare(grey, width, height) {  // ink in [0, 1] to 28 x 28: fitted into 20 x 20, centred by centre of mass
    var x0 = width, y0 = height, x1 = -1, y1 = -1, x, y;
    for (y = 0; y < height; y++) for (x = 0; x < width; x++) if (grey[y * width + x] > 0.02) {
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    if (x1 < 0) return null;
    var w = x1 - x0 + 1, h = y1 - y0 + 1, scale = 20 / Math.max(w, h);
    var tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
    var box = new Float32Array(tw * th);
    for (var ty = 0; ty < th; ty++) {  // each target pixel: the mean of the source pixels it covers
      var ya = y0 + ty / scale, yb = Math.max(ya + 1, y0 + (ty + 1) / scale);
      for (var tx = 0; tx < tw; tx++) {
        var xa = x0 + tx / scale, xb = Math.max(xa + 1, x0 + (tx + 1) / scale), sum = 0, count = 0;
        for (y = Math.floor(ya); y < Math.ceil(yb) && y < height; y++) {
          for (x = Math.floor(xa); x < Math.ceil(xb) && x < width; x++) { sum += grey[y * width + x]; count++; }
        }
        box[ty * tw + tx] = count ? sum / count : 0;
      }
    }
    var mass = 0, mx = 0, my = 0;
    for (ty = 0; ty < th; ty++) for (tx = 0; tx < tw; tx++) { var v = box[ty * tw + tx]; mass += v; mx += v * tx; my += v * ty; }
    var ox = Math.round((SIDE - 1) / 2 - mx / mass), oy = Math.round((SIDE - 1) / 2 - my / mass);
    var out = new Float32Array(PIXELS);
    for (ty = 0; ty < th; ty++) for (tx = 0; tx < tw; tx++) {
      var px = tx + ox, py = ty + oy;
      if (px >= 0 && px < SIDE && py >= 0 && py < SIDE) out[py * SIDE + px] = clip(box[ty * tw + tx]);
    }
    return out;
  }

  // --- the page: controls, panels, drawing ----------------------------------------------------------------------
  function el(name) { return document.getElementById(uid + "-" + name); }
  var digitBox = el("digit"), noiseBox = el("noise"), levelBox = el("level"), levelText = el("level-text");
  var pad = el("pad"), drawn = null, seed = data.seed;
  function paint(canvas, pixels) {
    var context = canvas.getContext("2d"), picture = context.createImageData(SIDE, SIDE);
    for (var i = 0; i < PIXELS; i++) {
      var v = Math.round(clip(pixels[i]) * 255);
      picture.data[4 * i] = picture.data[4 * i + 1] = picture.data[4 * i + 2] = v;
      picture.data[4 * i + 3] = 255;
    }
    context.putImageData(picture, 0, 0);
  }
  function clean() { return digitBox.value === "drawn" ? drawn : digits[Number(digitBox.value)]; }
  function say(text) { status.textContent = text; }

  // --- the runtime and the models ---------------------------------------------------------------------------------
  var base = document.documentElement.dataset.content_root || "";  // Sphinx: the way from this page to the book's root
  function runtime() {  // one ONNX Runtime Web for every lab on the page
    if (!window.__daeLabRuntime) {
      var folder = base + data.runtime;
      window.__daeLabRuntime = Promise.all([
        import(folder + "ort.wasm.bundle.min.mjs"),
        fetch(folder + "ort-wasm-simd-threaded.wasm.gz").then(function (r) {
          if (!r.ok) throw new Error("the runtime's WebAssembly file is missing (HTTP " + r.status + ")");
          return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
        }),
      ]).then(function (parts) {
        var ort = parts[0];
        ort.env.wasm.wasmBinary = parts[1];
        ort.env.wasm.numThreads = 1;  // threads need a cross-origin-isolated page, which a plain web server is not
        ort.env.wasm.proxy = false;
        ort.env.logLevel = "error";
        return ort;
      });
    }
    return window.__daeLabRuntime;
  }
  var ort = null, sessions = [];
  function load() {
    return runtime().then(function (module) {
      ort = module;
      return Promise.all(data.models.map(function (model) {
        return fetch(base + data.folder + model.file).then(function (r) {
          if (!r.ok) throw new Error("the model \u201c" + model.name + "\u201d could not be loaded (" + model.file + ": HTTP " + r.status + ")");
          return r.arrayBuffer();
        }).then(function (bytes) {
          return ort.InferenceSession.create(bytes, {executionProviders: ["wasm"], graphOptimizationLevel: "all"});
        }).catch(function (err) {
          throw new Error(String(err && err.message || err).indexOf(model.name) >= 0 ? err.message
            : "the model \u201c" + model.name + "\u201d could not be loaded: " + (err && err.message || err));
        });
      }));
    }).then(function (made) { sessions = made; });
  }
  function denoise(index, noisy) {  // one model on one noisy image (784 numbers) to its output, clipped to [0, 1]
    var model = data.models[index], session = sessions[index];
    var feeds = {};
    feeds[session.inputNames[0]] = new ort.Tensor("float32", Float32Array.from(noisy), [1].concat(model.input_shape));
    return session.run(feeds).then(function (result) {
      var out = result[session.outputNames[0]].data, y = new Float32Array(PIXELS);
      for (var i = 0; i < PIXELS; i++) y[i] = clip(out[i]);
      return y;
    });
  }

  // --- one update: noise, every model, the measures -------------------------------------------------------------
  var busy = false, again = false, times = [];
  function settings() {
    var noise = data.noises[Number(noiseBox.value)];
    return {noise: noise, level: Number(levelBox.value)};
  }
  function update() {
    if (busy) { again = true; return Promise.resolve(null); }
    busy = true;
    var start = performance.now(), x = clean(), chosen = settings();
    if (!x) { busy = false; return Promise.resolve(null); }
    var noisy = NOISES[chosen.noise.kind](x, chosen.level, seed);
    return Promise.all(data.models.map(function (_, i) { return denoise(i, noisy); })).then(function (outputs) {
      var shown = [noisy].concat(outputs);
      paint(el("canvas-clean"), x);
      shown.forEach(function (image, i) {
        paint(el("canvas-" + i), image);
        var p = psnr(x, image), s = ssim(x, image);
        el("score-" + i).textContent = (isFinite(p) ? "PSNR " + p.toFixed(1) + " dB" : "PSNR inf") + "\nSSIM " + s.toFixed(2);
      });
      var took = performance.now() - start;
      times.push(took);
      root.setAttribute("data-updates", String(times.length));
      return took;
    }).catch(function (err) {
      say("The live lab stopped: " + (err && err.message || err) + ". The slider above still shows the frames computed when the book was built.");
      root.setAttribute("data-state", "error");
      return null;
    }).then(function (took) {
      busy = false;
      if (again) { again = false; return update(); }
      return took;
    });
  }
  function showLevel() {
    var value = Number(levelBox.value).toFixed(2);
    levelText.textContent = value;
    levelBox.setAttribute("aria-valuetext", data.noises[Number(noiseBox.value)].label + ", level " + value);
  }

  // --- drawing with a mouse, a pen or a finger ----------------------------------------------------------------
  var context = pad.getContext("2d"), drawing = false, last = null;
  function blank() { context.fillStyle = "#000"; context.fillRect(0, 0, pad.width, pad.height); }
  function point(event) {
    var box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  }
  function stroke(to) {
    context.strokeStyle = "#fff"; context.lineWidth = pad.width / 12; context.lineCap = context.lineJoin = "round";
    context.beginPath(); context.moveTo(last[0], last[1]); context.lineTo(to[0], to[1]); context.stroke();
    last = to;
  }
  function readPad() {
    var pixels = context.getImageData(0, 0, pad.width, pad.height).data, grey = new Float32Array(pad.width * pad.height);
    for (var i = 0; i < grey.length; i++) grey[i] = pixels[4 * i] / 255;
    var prepared = prepare(grey, pad.width, pad.height);
    if (prepared) { drawn = prepared; digitBox.value = "drawn"; el("drawn-option").disabled = false; update(); }
  }
  pad.addEventListener("pointerdown", function (event) {
    if (!sessions.length) return;
    event.preventDefault();
    pad.setPointerCapture(event.pointerId);
    drawing = true; last = point(event); stroke(point(event));
  });
  pad.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    stroke(point(event));
    readPad();
  });
  function stop() { if (drawing) { drawing = false; readPad(); } }
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  el("clear").addEventListener("click", function () {
    blank(); drawn = null; el("drawn-option").disabled = true;
    if (digitBox.value === "drawn") { digitBox.value = "0"; update(); }
  });
  el("reseed").addEventListener("click", function () { seed = (seed * 1103515245 + 12345) >>> 0; update(); });
  digitBox.addEventListener("change", update);
  noiseBox.addEventListener("change", function () {
    levelBox.value = String(data.noises[Number(noiseBox.value)].level);
    showLevel(); update();
  });
  levelBox.addEventListener("input", function () { showLevel(); update(); });

  // The test's view of the lab: the same functions the page uses.
  root.daeLab = {
    noise: function (kind, pixels, level, seedValue) { return Array.from(NOISES[kind](Float32Array.from(pixels), level, seedValue)); },
    normals: function (count, seedValue) { var n = normals(generator(seedValue)), out = []; for (var i = 0; i < count; i++) out.push(n()); return out; },
    psnr: psnr, ssim: ssim, prepare: prepare,
    update: update, times: times,
    run: function (index, noisy) { return denoise(index, Float32Array.from(noisy)).then(function (y) { return Array.from(y); }); },
    check: function () {  // the build's fixed noisy digits through every model: outputs and PSNR, as the page computes them
      return Promise.all(data.models.map(function (model, i) {
        var noisy = decode(data.check.noisy[model.setting], "float32");
        return Promise.all(data.check.digits.map(function (d, j) {
          return denoise(i, noisy.subarray(j * PIXELS, (j + 1) * PIXELS)).then(function (y) { return {output: Array.from(y), psnr: psnr(digits[d], y)}; });
        }));
      }));
    },
    tableCheck: function () {  // each model's mean PSNR over the test digits at its training noise, beside the chapter's table
      var rows = [];
      return data.models.reduce(function (chain, model, i) {
        return chain.then(function () {
          var noise = data.noises.filter(function (n) { return n.kind === model.kind; })[0];
          return Promise.all(digits.map(function (x, d) {
            var noisy = NOISES[model.kind](x, model.level, data.seed + d);
            return denoise(i, noisy).then(function (y) { return psnr(x, y); });
          })).then(function (scores) {
            var mean = scores.reduce(function (a, b) { return a + b; }, 0) / scores.length;
            rows.push({name: model.name, noise: noise ? noise.label : model.kind, page: mean, table: model.table_psnr});
          });
        });
      }, Promise.resolve()).then(function () { return rows; });
    },
  };

  // --- start -------------------------------------------------------------------------------------------------
  if (location.protocol === "file:") {
    say("The live lab is off: a page opened from a file cannot load its models (serve the book, e.g. python3 -m http.server -d _build/html); the slider above shows frames computed when the book was built.");
    root.setAttribute("data-state", "off");
    return;
  }
  if (document.documentElement.dataset.content_root === undefined) {  // not a page of the built book: a notebook
    say("The live lab runs in the built book; in a notebook, the ipywidgets slider above moves the same models with the kernel.");
    root.setAttribute("data-state", "off");
    return;
  }
  if (!window.WebAssembly || !window.DecompressionStream) {
    say("The live lab is off: this browser lacks WebAssembly or DecompressionStream; the slider above shows frames computed when the book was built.");
    root.setAttribute("data-state", "off");
    return;
  }
  say("Loading the models\u2026");
  blank();
  showLevel();
  load().then(function () {
    el("controls").hidden = false;
    el("panels").hidden = false;
    say("Live: the chapter's models run in this page. Pick or draw a digit, choose a noise and move its level.");
    root.setAttribute("data-state", "live");
    return update();
  }).catch(function (err) {
    say("The live lab is off: " + (err && err.message || err) + ". The slider above shows frames computed when the book was built.");
    root.setAttribute("data-state", "error");
  });
})
