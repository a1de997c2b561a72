/* What a chapter's cells print and draw, as a reader meets it (shipped by _ext/page_fixes.py).
 *
 * - A figure shown a tenth or more smaller than it was drawn (a wide one on a phone) becomes a link: a click, or Enter,
 *   opens it full size in a dialog that scrolls; Escape, the close button or a click beside the figure close it.
 *   Where the figure already shows at its own size the link is inert (no href), so it adds no tab stop.
 * - A printed log longer than FOLD_OVER lines (a training run's epochs, an evaluation's settings) shows its
 *   first HEAD and last TAIL lines, and a button that shows the rest. The text stays in the page.
 */
(function () {
  "use strict";
  var FOLD_OVER = 12, HEAD = 4, TAIL = 2, SHRUNK = 1.1;
  var FIGURES = ".bd-article div.cell_output img, .bd-article figure img";

  // --- figures that open full size ---------------------------------------------------------------

  var dialog = null;

  function zoomDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "dae-zoom-dialog";
    dialog.setAttribute("aria-label", "Figure at full size");
    dialog.innerHTML = '<form method="dialog" class="dae-zoom-bar"><button type="submit" class="dae-zoom-close">' +
      'Close <span aria-hidden="true">×</span></button></form><div class="dae-zoom-scroll"><img alt=""></div>';
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.classList.contains("dae-zoom-scroll")) dialog.close();
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function open(link, event) {
    if (!link.hasAttribute("href") || typeof HTMLDialogElement !== "function") return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return; // a new tab, as asked
    event.preventDefault();
    var img = link.querySelector("img"), d = zoomDialog(), big = d.querySelector("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    big.width = img.naturalWidth;
    d.showModal();
    d.querySelector(".dae-zoom-close").focus();
  }

  // A link to the picture itself, live only while the picture shows clearly smaller than it was drawn (by more
  // than SHRUNK: a laptop's column shows a 7-inch figure a few per cent small, which needs no zoom).
  function update(link) {
    var img = link.querySelector("img");
    var shrunk = img.naturalWidth > 0 && img.naturalWidth > img.clientWidth * SHRUNK;
    if (shrunk) {
      link.setAttribute("href", img.currentSrc || img.src);
      link.setAttribute("title", "Open the figure at full size");
    } else {
      link.removeAttribute("href");
      link.removeAttribute("title");
    }
    link.classList.toggle("dae-zoomable", shrunk);
  }

  function wrapFigure(img) {
    if (img.closest("a, .dae-slider")) return null;
    var link = document.createElement("a");
    link.className = "dae-zoom";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
    link.addEventListener("click", function (event) { open(link, event); });
    if (img.complete) update(link); else img.addEventListener("load", function () { update(link); }, {once: true});
    return link;
  }

  // --- long printed logs, folded ---------------------------------------------------------------------

  // The pre's content as one fragment per line (each with its newline); spans that cross a line are cut, as a
  // Range clones them, so colours survive.
  function lines(pre) {
    var text = pre.textContent, ends = [], at = -1;
    while ((at = text.indexOf("\n", at + 1)) !== -1) ends.push(at + 1);
    if (!ends.length || ends[ends.length - 1] < text.length) ends.push(text.length);
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT), node, seen = 0, points = [];
    var k = 0;
    while ((node = walker.nextNode())) {  // each line end as (text node, offset)
      while (k < ends.length && ends[k] <= seen + node.length) { points.push([node, ends[k] - seen]); k++; }
      seen += node.length;
    }
    var range = document.createRange(), parts = [];
    range.setStart(pre, 0);
    points.forEach(function (point) {
      range.setEnd(point[0], point[1]);
      parts.push(range.cloneContents());
      range.setStart(point[0], point[1]);
    });
    return parts;
  }

  function fold(pre) {
    var parts = lines(pre), hidden = parts.length - HEAD - TAIL;
    if (hidden < 2) return;
    pre.id = pre.id || "dae-log-" + Math.random().toString(36).slice(2, 10);
    pre.textContent = "";
    parts.forEach(function (part, i) {
      var span = document.createElement("span");
      span.className = i >= HEAD && i < parts.length - TAIL ? "dae-log-line dae-log-middle" : "dae-log-line";
      span.appendChild(part);
      if (i === HEAD) {  // where the folded lines are, while they are folded: drawn by CSS, so not in the text
        var mark = document.createElement("span");
        mark.className = "dae-log-mark";
        mark.setAttribute("data-text", "⋯ " + hidden + " more lines ⋯");
        pre.appendChild(mark);
      }
      pre.appendChild(span);
    });
    var box = pre.closest("div.output") || pre.parentNode;
    box.classList.add("dae-log", "dae-log-folded");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dae-log-toggle";
    button.setAttribute("aria-controls", pre.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = "show all " + parts.length + " lines";
    button.addEventListener("click", function () {
      var folded = box.classList.toggle("dae-log-folded");
      button.setAttribute("aria-expanded", folded ? "false" : "true");
      button.textContent = folded ? "show all " + parts.length + " lines" : "show fewer lines";
    });
    box.appendChild(button);
  }

  function lineCount(pre) {
    var text = pre.textContent.replace(/\n$/, "");
    return text ? text.split("\n").length : 0;
  }

  function start() {
    var links = [];
    document.querySelectorAll(FIGURES).forEach(function (img) {
      var link = wrapFigure(img);
      if (link) links.push(link);
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { links.forEach(update); });
    });
    document.querySelectorAll(".bd-article div.cell_output div.output.stream pre").forEach(function (pre) {
      if (lineCount(pre) > FOLD_OVER) fold(pre);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
