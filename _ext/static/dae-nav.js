/* Every sidebar toggle opens its sidebar (shipped by _ext/page_fixes.py).
 *
 * pydata-sphinx-theme 0.17.1 binds its click handler to the first .primary-toggle and the first
 * .secondary-toggle in the page (pydata/pydata-sphinx-theme#2451), and so does sphinx-book-theme 1.3.0's
 * wide-screen handler; both are the header's buttons that sphinx-book-theme hides, so the buttons a
 * reader sees (in the article header) did nothing. This script answers a click on ANY of them, in the
 * capture phase on the document, before the themes' own handlers, which it stops so that none runs twice:
 * - the primary toggle on a wide screen (>= 992 px, sphinx-book-theme's breakpoint) hides or shows the
 *   sidebar in place (sphinx-book-theme's class .pst-sidebar-hidden);
 * - otherwise it opens the sidebar as pydata-sphinx-theme does: the sidebar's content moves into its
 *   <dialog> (#pst-primary-sidebar-modal, #pst-secondary-sidebar-modal), shown modal; Escape or a click
 *   outside it closes it, the content moves back and focus returns to the toggle.
 */
(function () {
  "use strict";
  var WIDE = "(min-width: 992px)";

  function parts(kind) {
    return {
      sidebar: document.getElementById("pst-" + kind + "-sidebar"),
      dialog: document.getElementById("pst-" + kind + "-sidebar-modal"),
    };
  }

  // Children and classes from one element to the other, as the theme does (so the theme's own styles
  // for .bd-sidebar-primary[open] apply to the dialog). Moving an empty element is a no-op, so this and
  // the theme's own close handler may both run.
  function move(from, to) {
    Array.from(from.childNodes).forEach(function (node) { to.appendChild(node); });
    Array.from(from.classList).forEach(function (name) {
      from.classList.remove(name);
      to.classList.add(name);
    });
  }

  function wire(sidebar, dialog) {
    if (dialog.dataset.daeNav) return;
    dialog.dataset.daeNav = "wired";
    dialog.addEventListener("close", function () { move(dialog, sidebar); });
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog || !dialog.open) return;
      var box = dialog.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
                   event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close(); // a click on the backdrop
    });
  }

  function toggle(kind, button) {
    var p = parts(kind);
    if (!p.sidebar || !p.dialog || typeof p.dialog.showModal !== "function") return false;
    if (kind === "primary" && window.matchMedia(WIDE).matches) {
      var hidden = p.sidebar.classList.toggle("pst-sidebar-hidden");
      document.querySelectorAll(".primary-toggle").forEach(function (b) {
        b.setAttribute("aria-expanded", hidden ? "false" : "true");
      });
      return true;
    }
    if (p.dialog.open) {
      p.dialog.close();
      return true;
    }
    wire(p.sidebar, p.dialog);
    move(p.sidebar, p.dialog);
    p.dialog.showModal();
    p.dialog.addEventListener("close", function () { if (button.isConnected) button.focus(); }, { once: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest(".primary-toggle, .secondary-toggle");
    if (!button) return;
    var kind = button.classList.contains("primary-toggle") ? "primary" : "secondary";
    if (!toggle(kind, button)) return; // no such sidebar on this page: leave the click to the theme
    event.preventDefault();
    event.stopImmediatePropagation();
    button.blur(); // as sphinx-book-theme does, so that the button's tooltip does not stay up
  }, true);
})();
