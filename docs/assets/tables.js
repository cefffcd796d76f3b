/* peacetalks: sortable, filterable tables, without dependencies.
   A table that follows the comment <!-- peacetalks:filterable --> gets a filter box and
   column headings that sort when activated (buttons: keyboard-usable). Without JavaScript
   the table is simply shown in full. */
(function () {
  "use strict";

  function markedTables() {
    var out = [];
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
    while (walker.nextNode()) {
      if (walker.currentNode.nodeValue.trim() !== "peacetalks:filterable") continue;
      var el = walker.currentNode.nextSibling;
      while (el && el.nodeType !== 1) el = el.nextSibling;
      if (!el) continue;
      var table = el.tagName === "TABLE" ? el : el.querySelector("table");
      if (table && table.tHead && table.tBodies.length) out.push(table);
    }
    return out;
  }

  function cellKey(cell) {
    var time = cell.querySelector("time[datetime]");
    var text = time ? time.getAttribute("datetime") : cell.textContent.trim();
    var number = Number(text);
    return text !== "" && !isNaN(number) ? { n: number, s: text } : { n: null, s: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.n !== null && b.n !== null) return a.n - b.n;
    if (a.s === b.s) return 0;
    if (a.s === "") return 1;
    if (b.s === "") return -1;
    return a.s < b.s ? -1 : 1;
  }

  function sortBy(table, index, button) {
    var headers = table.tHead.rows[0].cells;
    var th = headers[index];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var name = button.classList.contains("peacetalks-sort-beside") ? "Sort by " + th.dataset.label : th.dataset.label;
    button.setAttribute("aria-label", name + ", sorted " + (ascending ? "ascending" : "descending"));
    if (table.hasAttribute("data-external-rows")) {
      // The rows shown are a part of the table's data (explorer.js): its owner sorts all of them.
      table.dispatchEvent(new CustomEvent("peacetalks-sort", { detail: { index: index, ascending: ascending } }));
      return;
    }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: cellKey(row.cells[index] || row.cells[0]), position: position };
    });
    rows.sort(function (a, b) {
      var order = compare(a.key, b.key) * (ascending ? 1 : -1);
      return order || a.position - b.position;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }

  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "peacetalks-sort";
      th.dataset.label = th.textContent.trim();
      if (th.querySelector("a, button, input, select, textarea, [tabindex]")) {
        // A heading holding a link (a matrix's column): the button goes beside it, never around it.
        button.className = "peacetalks-sort peacetalks-sort-beside";
        button.setAttribute("aria-label", "Sort by " + th.dataset.label);
      } else {
        while (th.firstChild) button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }

  function makeFilterable(table, number) {
    var wrapper = document.createElement("div");
    wrapper.className = "peacetalks-filter";
    var id = "peacetalks-filter-" + number;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter rows";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "peacetalks-count";
    var total = table.tBodies[0].rows.length;
    status.textContent = total + " rows";
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    var anchor = table.closest(".md-typeset__scrollwrap") || table;
    anchor.parentNode.insertBefore(wrapper, anchor);
    input.addEventListener("input", function () {
      if (table.hasAttribute("data-external-rows")) return; // explorer.js filters every row itself
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown++;
      });
      status.textContent = shown === total ? total + " rows" : shown + " of " + total + " rows";
    });
  }

  // A table wider than the screen scrolls inside its wrapper: the wrapper then takes the keyboard
  // focus (to scroll with the arrow keys) and a name; one that fits gives them up again.
  function labelScrollRegions() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table (scrolls sideways)");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function init() {
    labelScrollRegions();
    window.addEventListener("resize", labelScrollRegions);
    markedTables().forEach(function (table, number) {
      makeSortable(table);
      makeFilterable(table, number);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
