// Copy buttons for links shown once (calendar feeds), as progressive enhancement.
//
// A button names its field with data-copy-target="<id>" and starts hidden (GOV.UK's
// govuk-!-display-none: a button's own display rule would beat the hidden attribute): it is
// revealed only where the clipboard API exists, so without script the link is simply selected
// and copied by hand. The result is announced in the polite live region #copy-status.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  var status = document.getElementById("copy-status");

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    button.classList.remove("govuk-!-display-none");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          announce(button.getAttribute("data-copied-message") || "Link copied");
        },
        function () {
          field.focus();
          field.select();
          announce("Could not copy: the link is selected, copy it by hand");
        }
      );
    });
  });
})();
