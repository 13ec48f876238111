// Click-to-load videos (dreamweaver/media/embeds.py makes the cards). The page
// loads this only when it holds a card, and its CSP then lets it frame exactly
// the players named in this script's data-frame-src. Nothing reaches the video
// site until the reader presses "Load video"; then the player's iframe takes
// the card's place, in the same 16:9 box.
(function () {
  "use strict";

  var script = document.currentScript;
  var allowed = ((script && script.getAttribute("data-frame-src")) || "").split(" ");

  function playerOf(card) {
    try {
      return new URL(card.getAttribute("data-embed-src") || "");
    } catch (error) {
      return null;
    }
  }

  // A card whose player this page may not frame stays a link: one swapped in
  // by htmx from a page with other players than this one's, say.
  function loadable(card) {
    var player = playerOf(card);
    return player !== null && player.protocol === "https:" && allowed.indexOf(player.origin) !== -1;
  }

  function offer(root) {
    if (!root || !root.querySelectorAll) return;
    var cards = Array.prototype.slice.call(root.querySelectorAll(".video-embed"));
    if (root.matches && root.matches(".video-embed")) cards.push(root);
    cards.forEach(function (card) {
      var button = card.querySelector(".video-embed-load");
      if (button && loadable(card)) button.hidden = false;
    });
  }

  function load(card) {
    var frame = document.createElement("iframe");
    // Every restriction is set before the address, so the first request is made under them.
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
    frame.setAttribute("allow", "fullscreen; picture-in-picture");
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("title", card.getAttribute("data-embed-title") || "Video player");
    frame.setAttribute("src", playerOf(card).href);
    card.classList.add("is-loaded");
    card.replaceChildren(frame);
    frame.focus();  // the button it replaces had the focus
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".video-embed-load");
    var card = button && button.closest(".video-embed");
    if (!card || !loadable(card)) return;
    event.preventDefault();
    load(card);
  });

  offer(document);  // deferred: the document is parsed
  document.addEventListener("htmx:load", function (event) { offer(event.detail && event.detail.elt); });
})();
