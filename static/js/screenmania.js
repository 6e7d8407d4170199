// Progressive enhancement only: every link works without this file.
// The copy-link button stays hidden until this script can make it work.
(function () {
  "use strict";

  function copyLink(button) {
    var status = button.closest(".share").querySelector(".share__status");
    var url = button.getAttribute("data-copy-url");
    navigator.clipboard.writeText(url).then(
      function () { status.textContent = button.getAttribute("data-copied-label"); },
      function () { status.textContent = button.getAttribute("data-failed-label"); }
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) {
      return;
    }
    document.querySelectorAll("[data-copy-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copyLink(button); });
    });
  });
})();

// Trailers (markup/trailers.py): until the reader clicks, the facade is a link
// to the video's page on its host and nothing is loaded from that host. The
// click swaps it for the host's privacy-enhanced player, and only from one of
// the three origins the Content-Security-Policy allows in a frame.
(function () {
  "use strict";

  var PLAYER_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://geo.dailymotion.com"
  ];

  function playerAddress(link) {
    var address;
    try {
      address = new URL(link.getAttribute("data-trailer-player"));
    } catch (error) {
      return null;
    }
    return PLAYER_ORIGINS.indexOf(address.origin) === -1 ? null : address.href;
  }

  function play(event) {
    var link = event.target.closest("a[data-trailer-player]");
    // A click with a modifier opens the host's page in a tab, as any link does.
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var address = playerAddress(link);
    if (!address) {
      return;
    }
    event.preventDefault();
    var player = document.createElement("iframe");
    player.className = "trailer__player";
    player.src = address;
    player.title = link.getAttribute("data-trailer-title");
    player.allow = "autoplay; fullscreen; picture-in-picture";
    player.allowFullscreen = true;
    link.replaceWith(player);
    player.focus();
  }

  document.addEventListener("click", play);
})();

// On a phone, the search icon opens the header's form in place; without this script
// it is a link to the search page, which has a form of its own.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var icon = document.querySelector(".site-search-icon");
    var form = document.getElementById("site-search");
    if (!icon || !form) {
      return;
    }
    icon.addEventListener("click", function (event) {
      event.preventDefault();
      var open = icon.closest(".site-header").classList.toggle("site-header--searching");
      icon.setAttribute("aria-expanded", String(open));
      if (open) {
        form.querySelector("input[type=search]").focus();
      }
    });
  });
})();
