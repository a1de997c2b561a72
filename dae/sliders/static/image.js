// The digit slider's script, called with its block's id: show the frames of the chosen noise, digit and level.
(function (uid) {
  var root = document.getElementById(uid);
  var data = JSON.parse(document.getElementById(uid + "-data").textContent);
  var noise = document.getElementById(uid + "-noise");
  var digit = document.getElementById(uid + "-digit");
  var level = document.getElementById(uid + "-level");
  var levelText = document.getElementById(uid + "-level-text");
  function show() {
    var n = Number(noise.value), d = Number(digit.value), l = Number(level.value);
    var value = data.levels[l].toFixed(2);
    levelText.textContent = value;
    level.setAttribute("aria-valuetext", value);
    var clean = document.getElementById(uid + "-img-clean");
    clean.src = data.clean[d];
    clean.alt = "clean test digit " + (d + 1);
    data.names.forEach(function (name, i) {
      var panel = data.frames[d][n][l][i];
      var img = document.getElementById(uid + "-img-" + i);
      img.src = panel[0];
      img.alt = name + " image of test digit " + (d + 1) + ", " + data.noises[n] + " at level " + value + ": " + panel[1];
      document.getElementById(uid + "-psnr-" + i).textContent = panel[1];
    });
  }
  noise.addEventListener("change", show);
  digit.addEventListener("change", show);
  level.addEventListener("input", show);
  level.addEventListener("change", show);
  root.setAttribute("data-ready", "true");
})
