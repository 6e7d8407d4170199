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
