/* peacetalks: the demand explorer on the demands index, without dependencies.
   The form #peacetalks-explorer (hidden until this script runs) has a select box per facet and
   date inputs; each row of the table after it carries its facet values in data- attributes
   (ids separated by spaces; dates as "first-day last-day" the date may mean). The choice is kept
   in the address's query string, so a link shares it. tables.js's filter box narrows further.
   Without JavaScript the form stays hidden and the full table shows. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("peacetalks-explorer");
    if (!form) return;
    var table = form.closest("article").querySelector(".peacetalks-cards table");
    if (!table || !table.tBodies.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-attr]"));
    var dates = Array.prototype.slice.call(form.querySelectorAll("input[type=date][data-attr]"));
    var count = form.querySelector(".peacetalks-explorer-count");
    var words = document.querySelector(".peacetalks-filter input[type=search]");
    var filterCount = document.querySelector(".peacetalks-filter .peacetalks-count");

    function values(row, attr) {
      return (row.getAttribute("data-" + attr) || "").split(/\s+/).filter(Boolean);
    }

    // A date filter keeps a row whose date may fall in the range (a month or a year counts if it overlaps).
    function dateMatch(row, input) {
      if (!input.value) return true;
      var span = values(row, input.getAttribute("data-attr"));
      if (span.length !== 2) return false;
      return input.getAttribute("data-bound") === "from" ? span[1] >= input.value : span[0] <= input.value;
    }

    function wordsMatch(row) {
      if (!words || !words.value) return true;
      var text = row.textContent.toLowerCase();
      return words.value.toLowerCase().split(/\s+/).filter(Boolean).every(function (w) { return text.indexOf(w) !== -1; });
    }

    function matches(row, skip) {
      for (var i = 0; i < selects.length; i++) {
        var s = selects[i];
        if (s === skip || !s.value) continue;
        if (values(row, s.getAttribute("data-attr")).indexOf(s.value) === -1) return false;
      }
      for (var j = 0; j < dates.length; j++) if (!dateMatch(row, dates[j])) return false;
      return wordsMatch(row);
    }

    function updateCounts() {
      selects.forEach(function (s) {
        var pool = rows.filter(function (row) { return matches(row, s); });
        Array.prototype.forEach.call(s.options, function (option) {
          if (!option.value) return;
          var n = pool.filter(function (row) { return values(row, s.getAttribute("data-attr")).indexOf(option.value) !== -1; }).length;
          option.textContent = option.getAttribute("data-label") + " (" + n + ")";
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
      var shown = 0;
      rows.forEach(function (row) {
        var keep = matches(row, null);
        row.hidden = !keep;
        if (keep) shown++;
      });
      var text = shown === rows.length ? rows.length + " demands" : shown + " of " + rows.length + " demands";
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

    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    dates.forEach(function (d) { d.addEventListener("input", apply); });
    if (words) words.addEventListener("input", apply);
    window.addEventListener("popstate", function () { fromAddress(); apply(); });
    fromAddress();
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
