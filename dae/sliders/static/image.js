// The digit slider's script, called with its block's id: show the frames of the chosen noise, digit and level.
(function (uid) {
  var root = document.getElementById(uid);
  var data = JSON.parse(document.getElementById(uid + "-data").textContent);
  var noise = document.getElementById(uid + "-noise");
  var digit = document.getElementById(uid + "-digit");
  var level = document.getElementById(uid + "-level");
  var levelText = document.getElementById(uid + "-level-text");
  // The block names its pictures: test digits under noise by default, a sampler's steps in Chapter 7.
  var alt = data.alt || {
    clean: "clean test digit {digit}",
    panel: "{name} image of test digit {digit}, {noise} at level {level}: {score}"
  };
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return values[key]; });
  }
  function show() {
    var n = Number(noise.value), d = Number(digit.value), l = Number(level.value);
    var value = data.levels[l].toFixed(2);
    levelText.textContent = value;
    level.setAttribute("aria-valuetext", value);
    var clean = document.getElementById(uid + "-img-clean");
    clean.src = data.clean[d];
    clean.alt = fill(alt.clean, {digit: d + 1});
    data.names.forEach(function (name, i) {
      var panel = data.frames[d][n][l][i];
      var img = document.getElementById(uid + "-img-" + i);
      img.src = panel[0];
      img.alt = fill(alt.panel, {name: name, digit: d + 1, noise: data.noises[n], level: value, score: panel[1]});
      document.getElementById(uid + "-psnr-" + i).textContent = panel[1];
    });
  }
  noise.addEventListener("change", show);
  digit.addEventListener("change", show);
  level.addEventListener("input", show);
  level.addEventListener("change", show);
  root.setAttribute("data-ready", "true");
})
