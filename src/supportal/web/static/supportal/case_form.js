/* Create a case (/cases/new/): drop files on the form, see their sizes, and send the form with a
 * progress bar (XMLHttpRequest), then follow the redirect to the new case. When the server answers
 * with the form again (errors next to the fields), the page's <main> is replaced by it.
 * Without this script the form posts as usual. No inline script or style: the CSP forbids them. */
(function () {
  "use strict";

  var ready = new WeakSet();

  function humanSize(bytes) {
    var units = [["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];
    for (var i = 0; i < units.length; i++) {
      if (bytes >= units[i][1]) {
        return Math.round((bytes / units[i][1]) * 10) / 10 + " " + units[i][0];
      }
    }
    return bytes + " bytes";
  }

  function listFiles(form, input, list) {
    var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
    list.replaceChildren();
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + humanSize(file.size) + ")";
      if (maxBytes && file.size > maxBytes) {
        item.textContent += ": larger than the limit of " + form.dataset.maxSize + ", it will be refused";
        item.className = "text-danger";
      }
      list.appendChild(item);
    });
  }

  function setupDropzone(form) {
    var input = form.querySelector("#files");
    var zone = form.querySelector("#dropzone");
    var list = form.querySelector("#file-list");
    if (!input || !list) {
      return;
    }
    input.addEventListener("change", function () {
      listFiles(form, input, list);
    });
    if (!zone || typeof DataTransfer === "undefined") {
      return;
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("border-primary", "border-2");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("border-primary", "border-2");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) {
        return;
      }
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file) {
        all.items.add(file);
      });
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) {
        all.items.add(file);
      });
      input.files = all.files;
      listFiles(form, input, list);
    });
  }

  function replaceMain(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) {
      return false;
    }
    main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
    document.title = page.title;
    if (window.htmx) {
      window.htmx.process(main);
    }
    setup(main);
    var alert = main.querySelector("#form-errors");
    if (alert) {
      alert.focus();
    }
    return true;
  }

  function send(form, submitter) {
    var progress = form.querySelector("#upload-progress");
    var bar = form.querySelector("#upload-progress-bar");
    var label = form.querySelector("#upload-progress-label");
    var failure = form.querySelector("#upload-error");
    var buttons = form.querySelectorAll("button[type=submit]");
    var data;
    try {
      data = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (error) {
      data = new FormData(form);
    }

    function done() {
      form.removeAttribute("aria-busy");
      buttons.forEach(function (button) {
        button.disabled = false;
      });
    }

    function fail(message) {
      done();
      progress.hidden = true;
      failure.textContent = message;
      failure.hidden = false;
    }

    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        bar.value = Math.round((event.loaded / event.total) * 100);
        label.textContent = "Sending… " + bar.value + "%";
      }
    });
    request.upload.addEventListener("load", function () {
      bar.value = 100;
      label.textContent = "Sent. Opening the case…";
    });
    request.addEventListener("load", function () {
      var answered = new URL(request.responseURL || form.action, window.location.href);
      var posted = new URL(form.action, window.location.href);
      if (request.status < 400 && answered.pathname !== posted.pathname) {
        window.location.assign(answered.href); // the redirect to the new case, followed
        return;
      }
      var type = request.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") === 0 && replaceMain(request.responseText)) {
        return;
      }
      fail("The case could not be sent (error " + request.status + "). Please try again.");
    });
    request.addEventListener("error", function () {
      fail("The connection failed while sending. Check your cases before sending again.");
    });
    failure.hidden = true;
    bar.value = 0;
    label.textContent = "Sending…";
    progress.hidden = false;
    form.setAttribute("aria-busy", "true");
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    request.send(data);
  }

  function setup(root) {
    var form = root.querySelector("#case-form");
    if (!form || ready.has(form)) {
      return;
    }
    ready.add(form);
    setupDropzone(form);
    if (typeof FormData === "undefined" || !("upload" in new XMLHttpRequest())) {
      return; // an old browser: the normal form post
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form, event.submitter);
    });
  }

  setup(document);
  document.addEventListener("htmx:historyRestore", function () {
    setup(document);
  });
})();
