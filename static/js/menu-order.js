// Drag and drop on the menu screen (/admin/menus/): an item moves among its
// siblings, and when it is dropped somewhere new the menu form is submitted
// as it now stands (each item posts its place, depth and label in document
// order), which htmx sends and answers with the screen redrawn. Without this
// script the Up, Down, In and Out buttons do the same.
(function () {
  "use strict";
  var dragged = null;
  var before = "";

  function order(list) {
    return Array.prototype.map.call(list.children, function (li) { return li.id; }).join(",");
  }

  function itemOf(node) {
    return node && node.closest ? node.closest(".menu-editor-item") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var item = itemOf(event.target);
    if (!item || event.target !== item) return;
    dragged = item;
    before = order(item.parentNode);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.id);
    item.classList.add("dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = itemOf(event.target);
    // Only among siblings: a sub-item stays under its item, a top-level item on top.
    while (over && over.parentNode !== dragged.parentNode) over = itemOf(over.parentNode);
    if (!over) return;
    event.preventDefault();
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var item = dragged;
    dragged = null;
    item.classList.remove("dragging");
    var form = item.closest("form");
    var save = form && form.querySelector('button[name="action"][value="save"]');
    if (save && order(item.parentNode) !== before) form.requestSubmit(save);
  });
})();
