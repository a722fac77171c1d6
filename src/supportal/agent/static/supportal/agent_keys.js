/* The agent workspace's keyboard shortcuts (loaded on every workspace page by agent/workspace.html).
 *
 * Anywhere: "?" opens the help (agent/_shortcuts_help.html, a Bootstrap modal); Esc leaves a field.
 * On a queue (a table with data-queue-list, rows <tr data-case-number> with a link and a checkbox):
 *   j / k move the row highlight, Enter or o opens the row, x ticks its checkbox. The queue's case
 *   numbers and its address are kept in sessionStorage for the case page.
 * On a case (an element with data-case-number): j / k open the next / previous case of that queue, u goes
 *   back to it, r and n start a public reply or an internal note ([data-shortcut=reply|note], then
 *   #composer-body), a assigns the case to me ([data-shortcut=take]), s resolves ([data-shortcut=resolve]).
 * Keys typed in a text field, a text area or a select are the field's, except Esc. No inline script: the
 * CSP forbids it. */
(function () {
  "use strict";

  var STORE = "supportal.agent.queue";
  var CASE_PATH = "/agent/cases/";
  var NOT_TYPING = ["checkbox", "radio", "button", "submit", "reset", "image", "range", "color", "file"];
  var statusTimer = null;
  var dialogOpening = false; /* Bootstrap ignores hide() while a dialog fades in */
  var closeWhenShown = false;

  function isTyping(element) {
    if (!element || element === document.body) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" && NOT_TYPING.indexOf((element.type || "text").toLowerCase()) === -1;
  }

  /* A short message in the corner (also read out: the element is a live region). */
  function say(text) {
    var status = document.getElementById("shortcut-status");
    if (!status) {
      return;
    }
    status.textContent = text;
    status.hidden = false;
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(function () {
      status.hidden = true;
    }, 4000);
  }

  function openHelp() {
    var help = document.getElementById("shortcuts-help");
    if (help && window.bootstrap) {
      window.bootstrap.Modal.getOrCreateInstance(help).show();
    }
  }

  /* --- Queue pages */

  function queueTable() {
    return document.querySelector("[data-queue-list]");
  }

  function rows() {
    var table = queueTable();
    return table ? Array.prototype.slice.call(table.querySelectorAll("tr[data-case-number]")) : [];
  }

  function remember() {
    if (!queueTable()) {
      return;
    }
    var numbers = rows().map(function (row) {
      return row.getAttribute("data-case-number");
    });
    var queue = { url: window.location.pathname + window.location.search, numbers: numbers };
    try {
      window.sessionStorage.setItem(STORE, JSON.stringify(queue));
    } catch (error) {
      /* storage full or disabled: the case page then says it knows no queue */
    }
  }

  function currentRow(all) {
    var active = document.activeElement;
    var focused = active && active.closest ? active.closest("tr[data-case-number]") : null;
    if (focused && all.indexOf(focused) !== -1) {
      return all.indexOf(focused);
    }
    for (var i = 0; i < all.length; i++) {
      if (all[i].classList.contains("table-active")) {
        return i;
      }
    }
    return -1;
  }

  function highlight(all, index) {
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      row.classList.toggle("table-active", i === index);
      if (i === index) {
        row.setAttribute("aria-current", "true");
      } else {
        row.removeAttribute("aria-current");
      }
    });
    var link = all[index].querySelector("a[href]");
    if (link) {
      link.focus({ preventScroll: true });
    }
    all[index].scrollIntoView({ block: "nearest" });
  }

  /* Enter opens the highlighted row from the page or the row itself; a link or button keeps its own. */
  function opensRow(target) {
    if (target.closest("a, button, summary")) {
      return false;
    }
    return target === document.body || Boolean(target.closest("[data-queue-list]"));
  }

  function onQueue(key, event) {
    var all = rows();
    if (!all.length) {
      return false;
    }
    var index = currentRow(all);
    if (key === "j" || key === "k") {
      highlight(all, index === -1 ? 0 : index + (key === "j" ? 1 : -1));
      return true;
    }
    if (index === -1) {
      return false;
    }
    if (key === "o" || (key === "Enter" && opensRow(event.target))) {
      var link = all[index].querySelector("a[href]");
      if (link) {
        window.location.assign(link.href);
        return true;
      }
    }
    if (key === "x") {
      var box = all[index].querySelector("input[type=checkbox]");
      if (box) {
        box.click(); /* a real click: the bulk form hears the change */
        return true;
      }
    }
    return false;
  }

  /* --- The case page */

  function storedQueue() {
    try {
      var queue = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      return queue && Array.isArray(queue.numbers) ? queue : null;
    } catch (error) {
      return null;
    }
  }

  function step(number, delta) {
    var queue = storedQueue();
    if (!queue) {
      say("Open a queue first: j and k then go through its cases.");
      return;
    }
    var index = queue.numbers.indexOf(number);
    if (index === -1) {
      say("This case is not in the queue you last opened.");
      return;
    }
    var next = queue.numbers[index + delta];
    if (!next) {
      say(delta > 0 ? "This is the last case of the queue." : "This is the first case of the queue.");
      return;
    }
    window.location.assign(CASE_PATH + encodeURIComponent(next) + "/");
  }

  function press(name) {
    var control = document.querySelector('[data-shortcut="' + name + '"]');
    if (!control) {
      return null;
    }
    control.click();
    return control;
  }

  function compose(name) {
    var control = press(name);
    var body = document.getElementById("composer-body");
    if (body) {
      body.focus();
    }
    return Boolean(control || body);
  }

  function resolve() {
    var control = press("resolve");
    if (control && control.tagName === "SUMMARY") {
      /* a move that asks for text opens its panel: write there */
      var field = control.parentElement.querySelector("textarea, input:not([type=hidden])");
      if (field) {
        field.focus();
      }
    }
    return Boolean(control);
  }

  function onCase(number, key) {
    switch (key) {
      case "j":
        step(number, 1);
        return true;
      case "k":
        step(number, -1);
        return true;
      case "u": {
        var queue = storedQueue();
        window.location.assign(queue && queue.url ? queue.url : "/agent/");
        return true;
      }
      case "r":
        return compose("reply");
      case "n":
        return compose("note");
      case "a":
        return Boolean(press("take"));
      case "s":
        return resolve();
      default:
        return false;
    }
  }

  /* --- Keys */

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    var key = event.key;
    if (isTyping(event.target)) {
      if (key === "Escape" && !event.target.closest(".modal")) {
        event.target.blur();
      }
      return;
    }
    var shown = document.querySelector(".modal.show");
    if (shown) {
      /* a dialog is open: no shortcuts; Esc closes it even before the focus has moved into it */
      if (key === "Escape" && window.bootstrap) {
        if (dialogOpening) {
          closeWhenShown = true;
        } else {
          window.bootstrap.Modal.getOrCreateInstance(shown).hide();
        }
      }
      return;
    }
    var handled = false;
    if (key === "?") {
      openHelp();
      handled = true;
    } else if (queueTable()) {
      handled = onQueue(key, event);
    } else {
      var page = document.querySelector("[data-case-number]");
      if (page) {
        handled = onCase(page.getAttribute("data-case-number"), key);
      }
    }
    if (handled) {
      event.preventDefault();
    }
  });

  document.addEventListener("show.bs.modal", function () {
    dialogOpening = true;
    closeWhenShown = false;
  });
  document.addEventListener("shown.bs.modal", function (event) {
    dialogOpening = false;
    if (closeWhenShown && window.bootstrap) {
      closeWhenShown = false;
      window.bootstrap.Modal.getOrCreateInstance(event.target).hide();
    }
  });
  document.addEventListener("htmx:afterSettle", remember);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", remember);
  } else {
    remember();
  }
})();
