// The media library's upload form, made smoother: drop images on it or choose
// them, and each file goes up on a request of its own, with its progress
// shown, its refusal said next to it and its alt text asked for; each new
// image joins the grid without a reload. Without this script the form is a
// plain multipart POST and does the same in one go.
(function () {
  "use strict";

  var form = document.querySelector("form[data-media-upload]");
  var queue = document.querySelector("[data-upload-queue]");
  if (!form || !queue || !window.FormData || !window.XMLHttpRequest) return;

  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector("[data-drop-zone]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || Infinity;
  var waiting = [];
  var busy = false;

  // Each image asks for its own alt text once it is up, and choosing or
  // dropping files starts the upload: the form's own alt field and button
  // would only be in the way.
  form.querySelector("[data-upload-alt]").hidden = true;
  form.querySelector("[data-upload-submit]").hidden = true;
  form.querySelector("[data-drop-hint]").hidden = false;
  zone.classList.add("is-droppable");

  function take(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    files.forEach(function (file) {
      var row = document.createElement("li");
      var name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Uploading " + file.name);
      row.append(name, bar);
      queue.prepend(row);
      queue.hidden = false;
      if (file.size > maxBytes) {
        refuse(row, file.name, "This file is larger than " +
          Math.round(maxBytes / 1048576) + " MB.");
        return;
      }
      waiting.push({ file: file, row: row, bar: bar });
    });
    next();
  }

  function next() {
    if (busy || !waiting.length) return;
    busy = true;
    send(waiting.shift(), function () {
      busy = false;
      next();
    });
  }

  function send(item, done) {
    var xhr = new XMLHttpRequest();
    var data = new FormData();
    data.append("csrf_token", token);
    data.append("files", item.file, item.file.name);
    xhr.open("POST", form.action);
    // The answer is the upload's fragment (admin/media/_upload_results.html).
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) item.bar.value = Math.round(100 * event.loaded / event.total);
    });
    xhr.addEventListener("load", function () {
      answered(item, xhr.status, xhr.responseText);
      done();
    });
    xhr.addEventListener("error", function () {
      refuse(item.row, item.file.name,
        "The site could not be reached. Check your connection and try again.");
      done();
    });
    xhr.send(data);
  }

  function answered(item, status, text) {
    var answer = document.createElement("template");
    answer.innerHTML = text;
    var results = answer.content.querySelectorAll("#upload-results > li");
    if (!results.length) {
      // No answer about the file: an expired form (400), a session that ended
      // (htmx would be sent to the login page), a server error.
      refuse(item.row, item.file.name, "The upload failed (" + status + "). " +
        "Reload the page (you may need to sign in again) and try again.");
      return;
    }
    item.row.replaceWith.apply(item.row, Array.prototype.slice.call(results));
    results.forEach(function (li) { if (window.htmx) window.htmx.process(li); });
    var grid = document.querySelector("#media-grid .media-grid");
    var added = answer.content.querySelectorAll("[data-new-grid-items] > li");
    if (grid && added.length) {
      var empty = grid.querySelector(".media-grid-empty");
      if (empty) empty.remove();
      Array.prototype.slice.call(added).reverse().forEach(function (li) { grid.prepend(li); });
    }
  }

  function refuse(row, name, message) {
    var li = document.createElement("li");
    li.className = "upload-refused";
    li.setAttribute("role", "alert");
    var strong = document.createElement("strong");
    strong.textContent = name;
    li.append(strong, ": " + message);
    row.replaceWith(li);
  }

  input.addEventListener("change", function () {
    take(input.files);
    input.value = "";
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    take(input.files);
    input.value = "";
  });

  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      zone.classList.add("is-over");
    });
  });
  zone.addEventListener("dragleave", function (event) {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("is-over");
  });
  // A file dropped beside the zone would make the browser open it and leave
  // the page: such a drop does nothing.
  ["dragover", "drop"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!carriesFiles(event) || zone.contains(event.target)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "none";
    });
  });
  zone.addEventListener("drop", function (event) {
    zone.classList.remove("is-over");
    if (!carriesFiles(event)) return;
    event.preventDefault();
    take(event.dataTransfer.files);
  });
})();
