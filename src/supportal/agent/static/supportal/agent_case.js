/* The workspace's case page (agent/case_page.html): the composer's mode, its "replying" signal for
 * the collision notice, and the macro picker. Without this script every part still works: the mode is
 * a pair of radio buttons, the macro picker reloads the page with ?macro=<id>, and the notice is
 * refreshed by htmx attributes alone. No inline script or style: the CSP forbids them. */
(function () {
  "use strict";

  function composerForm() {
    return document.getElementById("composer-form");
  }

  /* The note mode wears the note's colours and the button says what it sends. */
  function showMode() {
    var form = composerForm();
    if (!form) {
      return;
    }
    var note = form.querySelector("#composer-mode-note");
    var isNote = !!(note && note.checked);
    form.classList.toggle("composer-note", isNote);
    var submit = document.getElementById("composer-submit");
    if (submit) {
      submit.textContent = form.querySelector("[name=macro]") ? "Send with the macro" : isNote ? "Add internal note" : "Send reply";
    }
  }

  /* replying=1 while the composer holds text; a change is told at once (the "presence-change" trigger). */
  function showReplying() {
    var body = document.getElementById("composer-body");
    var input = document.getElementById("presence-replying");
    if (!input) {
      return;
    }
    var value = body && body.value.trim() ? "1" : "0";
    if (input.value !== value) {
      input.value = value;
      if (window.htmx && input.form) {
        window.htmx.trigger(input.form, "presence-change");
      }
    }
  }

  function pickMacro(select) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.dataset.url || !window.htmx) {
      return false;
    }
    window.htmx.ajax("GET", option.dataset.url, { target: "#composer-fields", swap: "innerHTML" });
    return true;
  }

  function clearMacro() {
    var fields = document.getElementById("composer-fields");
    if (!fields) {
      return;
    }
    var chosen = fields.querySelector("[data-testid=macro-chosen]");
    if (chosen) {
      chosen.remove();
    }
    fields.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.disabled = false;
    });
    var select = document.getElementById("macro-choice");
    if (select) {
      select.value = "";
    }
    showMode();
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "mode" && target.closest("#composer-form")) {
      showMode();
    } else if (target.id === "macro-choice") {
      pickMacro(target);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.id === "composer-body") {
      showReplying();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-testid=macro-picker]")) {
      var select = form.querySelector("#macro-choice");
      if (select && pickMacro(select)) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-macro-clear]");
    if (link) {
      event.preventDefault();
      clearMacro();
      var body = document.getElementById("composer-body");
      if (body) {
        body.focus();
      }
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "composer-fields") {
      showMode();
      showReplying();
      var body = document.getElementById("composer-body");
      if (body) {
        body.focus();
      }
    }
  });

  function start() {
    showMode();
    showReplying();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
