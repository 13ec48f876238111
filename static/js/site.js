// The little behaviour htmx does not cover. Everything here is optional: the
// site works the same without it, only less smoothly.
(function () {
  "use strict";

  // Say on <html> that htmx is here, for styles that only make sense with it
  // (the list filters' "Show" buttons). htmx is loaded before this script; if it
  // ever loads later, its first htmx:load says so.
  function markHtmx() { document.documentElement.classList.add("has-htmx"); }
  if (window.htmx) markHtmx();
  else document.addEventListener("htmx:load", markHtmx, { once: true });

  // Keep the menu's and the sidebar's "current" markers in step with the URL
  // after htmx has pushed a new one into history.
  function markCurrent() {
    var here = location.pathname;
    document.querySelectorAll(".sidebar a[href], .main-navigation a[href]").forEach(function (a) {
      if (new URL(a.href, location.href).pathname === here && !a.search) {
        a.setAttribute("aria-current", "page");
      } else {
        a.removeAttribute("aria-current");
      }
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", markCurrent);

  // A long list behind a closed disclosure (<details data-swap-links-on-open>)
  // is left to plain links until it opens: htmx sets up every hx-get element at
  // load, and over a hundred of them were most of a phone's script time
  // (bench/README.md, Lighthouse). Once open, its links swap like the others.
  // `toggle` does not bubble, hence the capture.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !window.htmx || !details.hasAttribute ||
        !details.hasAttribute("data-swap-links-on-open")) return;
    details.removeAttribute("data-swap-links-on-open");
    details.querySelectorAll("a[href]").forEach(function (a) {
      a.setAttribute("hx-get", a.getAttribute("href"));
    });
    window.htmx.process(details);
  }, true);

  // A request that got no answer at all: say so where the answer would have gone.
  function unreachable(event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var note = document.createElement("p");
    note.className = "request-failed";
    note.setAttribute("role", "alert");
    note.textContent = "The site could not be reached. Check your connection and try again.";
    var old = target.querySelector(":scope > .request-failed");
    if (old) old.remove();
    target.prepend(note);
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:timeout", unreachable);

  // Each Recent Posts widget refreshes when it comes into view once the page
  // has been open a while: no polling, one request per reader at most every
  // few minutes.
  var STALE_AFTER_MS = 5 * 60 * 1000;
  function watchRecentPosts(id) {
    setTimeout(function () {
      var widget = document.getElementById(id);
      if (!widget || !window.htmx || !("IntersectionObserver" in window)) return;
      var observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          window.htmx.trigger(widget, "dw:stale");
        }
      });
      observer.observe(widget);
    }, STALE_AFTER_MS);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".widget-recent-posts[id]").forEach(function (widget) {
      watchRecentPosts(widget.id);
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.classList && elt.classList.contains("widget-recent-posts")) {
      watchRecentPosts(elt.id);
    }
  });
})();

// Admin conveniences, each tied to a data attribute so pages opt in.
(function () {
  "use strict";

  // Type-to-filter a long list of checkboxes: <input data-filter-list="#list">.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-filter-list]")) return;
    var list = document.querySelector(input.getAttribute("data-filter-list"));
    if (!list) return;
    var words = input.value.trim().toLowerCase();
    list.querySelectorAll("li").forEach(function (item) {
      item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) === -1;
    });
  });

  // Ask before leaving a form with unsaved changes: <form data-guard-unsaved>.
  var dirty = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-guard-unsaved]");
    if (form && !event.target.matches("[data-filter-list]")) dirty.add(form);
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
