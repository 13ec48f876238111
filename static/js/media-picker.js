// The editor's media picker: "Add media" and "Set featured image" open the
// library in a dialog (its fragment, fetched with htmx); choosing an image
// inserts its snippet at the cursor (the snippet for the post's format, made
// by the server: media/snippets.py) or makes it the featured image. Without
// this script "Add media" opens the library in a new tab with the snippets to
// copy, and the featured image is chosen from a plain list.
(function () {
  "use strict";

  var dialog = document.getElementById("media-picker-dialog");
  var source = document.getElementById("source");
  if (!dialog || !source || !window.htmx || typeof dialog.showModal !== "function") return;

  var body = document.getElementById("media-picker-body");
  var heading = document.getElementById("media-picker-heading");
  var format = document.getElementById("format");
  var select = document.getElementById("featured_media_id");
  var preview = document.querySelector("[data-featured-preview]");
  var remove = document.querySelector("[data-featured-remove]");
  var mode = "insert";
  var selection = [0, 0];

  document.querySelectorAll("[data-media-picker]").forEach(function (control) {
    if (control.tagName === "A") {
      // It opens the dialog now, not a new tab.
      control.removeAttribute("target");
      var note = control.querySelector(".new-tab-note");
      if (note) note.remove();
    }
    control.setAttribute("aria-haspopup", "dialog");
    control.addEventListener("click", function (event) {
      event.preventDefault();
      open(control.getAttribute("data-media-picker"), control.getAttribute("data-picker-url"));
    });
  });

  function open(chosenMode, url) {
    mode = chosenMode;
    selection = [source.selectionStart, source.selectionEnd];
    heading.textContent = mode === "featured" ? "Set featured image" : "Add media";
    var query = "?mode=" + encodeURIComponent(mode) + "&format=" +
      encodeURIComponent(format ? format.value : "markdown");
    body.textContent = "Loading the library\u2026";
    dialog.showModal();
    window.htmx.ajax("GET", url + query, { target: "#media-picker-body", swap: "innerHTML" });
  }

  dialog.querySelector("[data-close-dialog]").addEventListener("click", function () {
    dialog.close();
  });

  dialog.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-pick]");
    if (!pick) return;
    if (mode === "featured") {
      feature(pick);
      dialog.close();
    } else {
      dialog.close();
      insert(format && format.value === "html"
        ? pick.getAttribute("data-snippet-html")
        : pick.getAttribute("data-snippet-markdown"));
    }
  });

  // The snippet goes in as a block of its own: a <figure> must start a line
  // to stay HTML in Markdown, and an image reads best in its own paragraph.
  function insert(snippet) {
    var text = source.value;
    var start = Math.min(selection[0], text.length);
    var end = Math.min(selection[1], text.length);
    var before = text.slice(0, start);
    var after = text.slice(end);
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var tail = after === "" || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    source.focus();
    source.setRangeText(lead + snippet + tail, start, end, "end");
    source.selectionStart = source.selectionEnd = start + lead.length + snippet.length;
    // The preview and the unsaved-changes guard listen for input.
    source.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function changed() {
    select.dispatchEvent(new Event("input", { bubbles: true }));
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function feature(pick) {
    if (!select) return;
    var id = pick.getAttribute("data-media-id");
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === id; });
    if (!option) {
      option = new Option(pick.getAttribute("data-label"), id);
      select.add(option, 1);
    }
    select.value = id;
    var img = document.createElement("img");
    img.src = pick.getAttribute("data-thumbnail");
    img.alt = "";
    img.width = parseInt(pick.getAttribute("data-width"), 10);
    img.height = parseInt(pick.getAttribute("data-height"), 10);
    img.decoding = "async";
    preview.replaceChildren(img);
    remove.hidden = false;
    changed();
  }

  if (select && preview && remove) {
    remove.addEventListener("click", function () {
      select.value = "";
      var none = document.createElement("p");
      none.className = "field-help";
      none.textContent = "None chosen.";
      preview.replaceChildren(none);
      remove.hidden = true;
      changed();
    });
    // The buttons replace the plain list, unless the list has a message to show.
    document.querySelector("[data-featured-actions]").hidden = false;
    if (select.getAttribute("aria-invalid") !== "true") {
      document.querySelector("[data-featured-select]").hidden = true;
    }
  }
})();
