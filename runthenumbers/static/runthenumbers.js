/* The rows behind a chart: its largest inline dataset, as the CSV download has them. */
function rtnMainDataset(spec) {
  var best = null;
  Object.keys(spec.datasets || {}).forEach(function (name) {
    if (!best || spec.datasets[name].length > best.length) best = spec.datasets[name];
  });
  return best || (spec.data && spec.data.values) || [];
}

function rtnTable(rows) {
  var columns = [];
  rows.forEach(function (row) {
    Object.keys(row).forEach(function (key) { if (columns.indexOf(key) < 0) columns.push(key); });
  });
  var table = document.createElement("table");
  var head = table.createTHead().insertRow();
  columns.forEach(function (column) {
    var th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.appendChild(th);
  });
  var body = table.createTBody();
  rows.forEach(function (row) {
    var tr = body.insertRow();
    columns.forEach(function (column) {
      var value = row[column];
      tr.insertCell().textContent =
        value === undefined || value === null ? "" :
        typeof value === "number" ? value.toLocaleString("en-US", { maximumSignificantDigits: 6 }) : String(value);
    });
  });
  return table;
}

/* Draw every chart with vega-embed (keeping the static SVG until that succeeds) and give each a
   Chart | Table switch. Without JavaScript the SVG and the "Data table" disclosure remain. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("figure.rtn-chart").forEach(function (figure) {
    var view = figure.querySelector(".rtn-chart-view");
    var details = figure.querySelector("details.rtn-chart-table");
    var spec = JSON.parse(figure.querySelector("script.rtn-chart-spec").textContent);
    var target = document.createElement("div");
    window
      .vegaEmbed(target, spec, { renderer: "svg", actions: false })
      .then(function () {
        // The text alternative moves to the drawing itself, so that any sliders beside it stay
        // reachable: controls inside role="img" would be hidden from assistive technology.
        var svg = target.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", view.getAttribute("aria-label"));
        }
        view.removeAttribute("role");
        view.removeAttribute("aria-label");
        view.replaceChildren(target);
        figure.dataset.rendered = "vega";
      })
      .catch(function (error) {
        figure.dataset.rendered = "fallback";
        console.error("chart " + figure.id + " could not be drawn: " + error);
      });
    if (!details) return;
    details.appendChild(rtnTable(rtnMainDataset(spec)));
    var switcher = document.createElement("div");
    switcher.className = "rtn-chart-switch";
    switcher.setAttribute("role", "group");
    switcher.setAttribute("aria-label", "Show as");
    var buttons = ["Chart", "Table"].map(function (label) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      switcher.appendChild(button);
      return button;
    });
    var show = function (asTable) {
      view.hidden = asTable;
      details.hidden = !asTable;
      details.open = asTable;
      buttons[0].setAttribute("aria-pressed", String(!asTable));
      buttons[1].setAttribute("aria-pressed", String(asTable));
    };
    buttons[0].addEventListener("click", function () { show(false); });
    buttons[1].addEventListener("click", function () { show(true); });
    details.querySelector("summary").hidden = true;
    figure.insertBefore(switcher, view);
    show(false);
  });
});

/* Each glued number links to its row in the page's provenance table; show that derivation on hover
   and focus too, so a reader need not leave the sentence. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a.rtn-num").forEach(function (link) {
    var row = document.getElementById(link.getAttribute("href").slice(1));
    if (!row) return;
    var cells = row.querySelectorAll("td");
    var factsCell = cells[3];
    var shared = factsCell.querySelector('a[href^="#num-"]');
    var first = shared && document.getElementById(shared.getAttribute("href").slice(1));
    if (first) factsCell = first.querySelectorAll("td")[3];
    var facts = factsCell.textContent.trim();
    var how = cells[2].textContent.trim() || "computed in the chapter's code";
    link.title = how + (facts ? " (ledger: " + facts + ")" : "");
  });
});

/* The claims page: show only the verdicts ticked. Without JavaScript every claim stays listed. */
document.addEventListener("DOMContentLoaded", function () {
  var filter = document.querySelector("fieldset.rtn-claims-filter");
  if (!filter) return;
  filter.hidden = false;
  var apply = function () {
    var shown = {};
    filter.querySelectorAll("input").forEach(function (box) { shown[box.value] = box.checked; });
    var rows = document.querySelectorAll("table.rtn-claims tbody tr");
    rows.forEach(function (row) {
      if (row.dataset.verdict !== "split") row.hidden = !shown[row.dataset.verdict];
    });
    // A split claim stays listed while any of its sub-claims is.
    rows.forEach(function (row) {
      if (row.dataset.verdict !== "split") return;
      var id = row.id.replace("claim-", "");
      row.hidden = !Array.prototype.some.call(rows, function (part) {
        return part.dataset.parent === id && !part.hidden;
      });
    });
  };
  filter.addEventListener("change", apply);
  apply();
});
