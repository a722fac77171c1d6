/* API tokens (/account/tokens/, /organisation/tokens/): the "Copy" button next to a new token's secret.
 * Without this script the button stays hidden and the read-only field is selected and copied by hand.
 * No inline script: the CSP forbids it. */
(function () {
  "use strict";

  function copy(button) {
    var field = document.getElementById(button.dataset.copyFrom);
    if (!field) {
      return;
    }
    field.select();
    var done = function () {
      button.textContent = button.dataset.copiedText || "Copied";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand("copy")) {
      done();
    }
  }

  function ready() {
    document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
    document.querySelectorAll("input[readonly][id='new-token-secret']").forEach(function (field) {
      field.addEventListener("focus", function () {
        field.select();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
