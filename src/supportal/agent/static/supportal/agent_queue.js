/* Queue pages: "select every case on this page", the number selected, and only the fields of the chosen
 * bulk action. Without JavaScript every bulk field shows and each row is ticked on its own. */
(function () {
  "use strict";

  function rowBoxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-queue-list] tbody input[name=case]"));
  }

  function refresh(form) {
    var boxes = rowBoxes(form);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var all = form.querySelector("[data-select-all]");
    if (all) {
      all.hidden = false;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    var count = form.querySelector("[data-selected-count]");
    if (count) { count.textContent = ticked ? "(" + ticked + " selected)" : ""; }
  }

  function showFieldsOf(form) {
    var chooser = form.querySelector("[data-bulk-action]");
    if (!chooser) { return; }
    form.querySelectorAll("[data-bulk-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-bulk-for") !== chooser.value;
    });
  }

  function setUp(root) {
    var form = (root || document).querySelector ? (root || document).querySelector("#bulk-form") : null;
    if (!form && root && root.id === "bulk-form") { form = root; }
    if (!form) { return; }
    refresh(form);
    showFieldsOf(form);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.closest && target.closest("#bulk-form");
    if (!form) { return; }
    if (target.hasAttribute("data-select-all")) {
      rowBoxes(form).forEach(function (box) { box.checked = target.checked; });
    }
    if (target.hasAttribute("data-bulk-action")) { showFieldsOf(form); }
    refresh(form);
  });

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
