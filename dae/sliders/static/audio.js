// The sound slider's script, called with its block's id: swap each player's clip, spectrogram and SI-SDR for the chosen SNR.
(function (uid) {
  var root = document.getElementById(uid);
  var data = JSON.parse(document.getElementById(uid + "-data").textContent);
  var snr = document.getElementById(uid + "-snr");
  var snrText = document.getElementById(uid + "-snr-text");
  function part(i, what) { return document.getElementById(uid + "-" + what + "-" + i); }
  // The starting position lives only in the markup: read it back rather than store it twice.
  data.frames[Number(snr.value)] = data.names.map(function (name, i) {
    return [part(i, "audio").querySelector("source").getAttribute("src"), part(i, "img").getAttribute("src"),
            part(i, "psnr").textContent];
  });
  function swap(player, src) {
    var source = player.querySelector("source");
    if (source.getAttribute("src") === src) return;
    var time = player.currentTime, playing = !player.paused && !player.ended;
    source.setAttribute("src", src);
    player.load();
    if (time > 0 || playing) {  // carry on at the same moment of the new clip, to compare like with like
      player.addEventListener("loadedmetadata", function () {
        player.currentTime = Math.min(time, player.duration || time);
        if (playing) { var started = player.play(); if (started && started.catch) started.catch(function () {}); }
      }, {once: true});
    }
  }
  function show() {
    var p = Number(snr.value), value = data.snrs[p];
    snrText.textContent = value;
    snr.setAttribute("aria-valuetext", value);
    data.names.forEach(function (name, i) {
      var panel = data.frames[p][i];
      swap(part(i, "audio"), panel[0]);
      part(i, "audio").setAttribute("aria-label", name + " at input SNR " + value);
      var img = part(i, "img");
      img.src = panel[1];
      img.alt = name + " spectrogram at input SNR " + value + ": " + panel[2];
      part(i, "psnr").textContent = panel[2];
    });
  }
  snr.addEventListener("input", show);
  snr.addEventListener("change", show);
  root.setAttribute("data-ready", "true");
})
