/* peacetalks: the demand explorer on the demands index, without dependencies.
   The form #peacetalks-explorer (hidden until this script runs) has a select box per facet and
   date inputs; each row of the table after it carries its facet values in data- attributes
   (ids separated by spaces; dates as "first-day last-day" the date may mean). The choice is kept
   in the address's query string, so a link shares it. tables.js's filter box narrows further.
   Without JavaScript the form stays hidden and the full table shows.

   When the index is split into pages (peacetalks/site/pager.py), the form names a data file
   (data-rows: a script, so that it loads from file:// too) holding every demand; the explorer then
   filters and sorts all of them and shows the first PAGE that match, with a button for more,
   instead of the rows of the first page. Record text only ever becomes text nodes (textContent). */
(function () {
  "use strict";

  var PAGE = 100;

  function init() {
    var form = document.getElementById("peacetalks-explorer");
    if (!form) return;
    var table = form.closest("article").querySelector(".peacetalks-cards table");
    if (!table || !table.tBodies.length) return;
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-attr]"));
    var dates = Array.prototype.slice.call(form.querySelectorAll("input[type=date][data-attr]"));
    var count = form.querySelector(".peacetalks-explorer-count");
    var words = document.querySelector(".peacetalks-filter input[type=search]");
    var filterCount = document.querySelector(".peacetalks-filter .peacetalks-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).map(fromElement);
    var data = null; // with a data file: every demand, of which `limit` matching are shown
    var limit = PAGE;
    var more = null;

    function fromElement(el) {
      return {
        el: el,
        value: function (attr) { return (el.getAttribute("data-" + attr) || "").split(/\s+/).filter(Boolean); },
        text: function () { return el.textContent.toLowerCase(); }
      };
    }

    // A date filter keeps a row whose date may fall in the range (a month or a year counts if it overlaps).
    function dateMatch(row, input) {
      if (!input.value) return true;
      var span = row.value(input.getAttribute("data-attr"));
      if (span.length !== 2) return false;
      return input.getAttribute("data-bound") === "from" ? span[1] >= input.value : span[0] <= input.value;
    }

    function wordsMatch(row) {
      if (!words || !words.value) return true;
      var text = row.text();
      return words.value.toLowerCase().split(/\s+/).filter(Boolean).every(function (w) { return text.indexOf(w) !== -1; });
    }

    function matches(row, skip) {
      for (var i = 0; i < selects.length; i++) {
        var s = selects[i];
        if (s === skip || !s.value) continue;
        if (row.value(s.getAttribute("data-attr")).indexOf(s.value) === -1) return false;
      }
      for (var j = 0; j < dates.length; j++) if (!dateMatch(row, dates[j])) return false;
      return wordsMatch(row);
    }

    // Each option's count: the rows that match every other choice and have that value (one pass per facet).
    function updateCounts() {
      selects.forEach(function (s) {
        var attr = s.getAttribute("data-attr");
        var counts = {};
        rows.forEach(function (row) {
          if (!matches(row, s)) return;
          row.value(attr).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        Array.prototype.forEach.call(s.options, function (option) {
          if (!option.value) return;
          option.textContent = option.getAttribute("data-label") + " (" + (counts[option.value] || 0) + ")";
        });
      });
    }

    function toAddress() {
      var params = new URLSearchParams(window.location.search);
      selects.concat(dates).forEach(function (c) {
        if (c.value) params.set(c.name, c.value); else params.delete(c.name);
      });
      if (words && words.value) params.set("q", words.value); else params.delete("q");
      var query = params.toString();
      try {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      } catch (e) { /* some file:// pages refuse it: the filter still works */ }
    }

    function apply() {
      var kept = rows.filter(function (row) { return matches(row, null); });
      if (data) show(kept); else rows.forEach(function (row) { row.el.hidden = kept.indexOf(row) === -1; });
      var text = kept.length === rows.length ? rows.length + " demands" : kept.length + " of " + rows.length + " demands";
      count.textContent = text;
      if (filterCount) filterCount.textContent = text;
      updateCounts();
      toAddress();
    }

    function fromAddress() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        var wanted = params.get(s.name) || "";
        var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
        s.value = known ? wanted : "";
      });
      dates.forEach(function (d) {
        var wanted = params.get(d.name) || "";
        d.value = /^\d{4}-\d{2}-\d{2}$/.test(wanted) ? wanted : "";
      });
      if (words) words.value = params.get("q") || "";
    }

    // --- every demand, from the data file ---------------------------------------------------

    function link(ref) {
      var a = document.createElement("a");
      a.setAttribute("href", data.refs[ref][0]);
      a.textContent = data.refs[ref][1];
      return a;
    }

    // A cell of the data file (explorer.py _cell): text, a link, links, or a date.
    function fill(td, cell) {
      if (cell === null) return;
      if (typeof cell === "string") { td.textContent = cell; return; }
      if (typeof cell === "number") { td.appendChild(link(cell)); return; }
      if (Array.isArray(cell)) {
        cell.forEach(function (ref, i) {
          if (i) td.appendChild(document.createTextNode(", "));
          td.appendChild(link(ref));
        });
        return;
      }
      var time = document.createElement("time");
      time.setAttribute("datetime", cell.d);
      time.textContent = cell.w;
      td.appendChild(time);
      if (cell.i) td.appendChild(document.createTextNode(" (inferred)"));
    }

    function cellText(cell) {
      if (cell === null) return "";
      if (typeof cell === "string") return cell;
      if (typeof cell === "number") return data.refs[cell][1];
      if (Array.isArray(cell)) return cell.map(cellText).join(", ");
      return cell.w;
    }

    function cellKey(cell) {
      return cell !== null && typeof cell === "object" && !Array.isArray(cell) ? cell.d : cellText(cell).toLowerCase();
    }

    function fromData(item, position) {
      var cells = item[0], facets = {};
      data.facets.forEach(function (name, i) {
        var v = item[1][i];
        facets[name] = Array.isArray(v) ? v.map(function (n) { return data.ids[n]; }) : String(v).split(/\s+/).filter(Boolean);
      });
      var text = null;
      return {
        cells: cells,
        position: position,
        value: function (attr) { return facets[attr] || []; },
        text: function () { if (text === null) text = cells.map(cellText).join(" ").toLowerCase(); return text; }
      };
    }

    function element(row) {
      var tr = document.createElement("tr");
      row.cells.forEach(function (cell, i) {
        var td = document.createElement("td");
        td.setAttribute("data-label", data.columns[i]);
        fill(td, cell);
        tr.appendChild(td);
      });
      return tr;
    }

    function show(kept) {
      var body = table.tBodies[0];
      while (body.firstChild) body.removeChild(body.firstChild);
      kept.slice(0, limit).forEach(function (row) { body.appendChild(element(row)); });
      more.hidden = kept.length <= limit;
      more.textContent = "Show " + Math.min(PAGE, kept.length - limit) + " more (" + Math.min(limit, kept.length) + " of " + kept.length + " shown)";
    }

    // The column headings' sort buttons (tables.js) sort every demand here, not just the rows shown.
    function sortRows(event) {
      var index = event.detail.index, ascending = event.detail.ascending;
      rows.sort(function (a, b) {
        var x = cellKey(a.cells[index]), y = cellKey(b.cells[index]);
        var order = x === y ? 0 : x === "" ? 1 : y === "" ? -1 : (x < y ? -1 : 1) * (ascending ? 1 : -1);
        return order || a.position - b.position;
      });
      narrowed();
    }

    function useData() {
      data = window.peacetalksRows;
      if (!data || !Array.isArray(data.rows)) return;
      rows = data.rows.map(fromData);
      table.setAttribute("data-external-rows", "");
      table.addEventListener("peacetalks-sort", sortRows);
      more = document.createElement("button");
      more.type = "button";
      more.className = "peacetalks-more";
      more.addEventListener("click", function () { limit += PAGE; apply(); });
      var after = table.closest(".md-typeset__scrollwrap") || table;
      after.parentNode.insertBefore(more, after.nextSibling);
      Array.prototype.forEach.call(document.querySelectorAll("article .peacetalks-pager"), function (nav) { nav.hidden = true; });
      apply();
    }

    function narrowed() { limit = PAGE; apply(); }

    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); narrowed(); });
    form.addEventListener("change", narrowed);
    form.addEventListener("reset", function () { window.setTimeout(narrowed, 0); });
    dates.forEach(function (d) { d.addEventListener("input", narrowed); });
    if (words) words.addEventListener("input", narrowed);
    window.addEventListener("popstate", function () { fromAddress(); narrowed(); });
    fromAddress();
    apply();
    var source = form.getAttribute("data-rows");
    if (source) {
      var script = document.createElement("script");
      script.src = source;
      script.addEventListener("load", useData);
      document.head.appendChild(script);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
