/* The rows behind a chart: its largest inline dataset, as the CSV download has them. */
function rtnMainDataset(spec) {
  var best = null;
  Object.keys(spec.datasets || {}).forEach(function (name) {
    if (!best || spec.datasets[name].length > best.length) best = spec.datasets[name];
  });
  return best || (spec.data && spec.data.values) || [];
}

/* A number as the Table view shows it: percentages for percent formats, a $ where the chart writes one,
   thousands separators, and no more decimals than a reader needs. */
function rtnFormat(value, format) {
  if (typeof value !== "number") return value === undefined || value === null ? "" : String(value);
  format = format || "";
  if (format.indexOf("%") >= 0) {
    var places = /\.(\d)/.exec(format);
    return (value * 100).toLocaleString("en-US", { minimumFractionDigits: places ? +places[1] : 0, maximumFractionDigits: Math.max(places ? +places[1] : 0, 1) }) + "%";
  }
  var size = Math.abs(value);
  var digits = Number.isInteger(value) ? 0 : size >= 100 ? 0 : size >= 1 ? 2 : 3;
  var text = value.toLocaleString("en-US", { maximumFractionDigits: digits });
  return (format.charAt(0) === "$" ? "$" : "") + text;
}

/* The chart's table: the columns it encodes, labelled and in reading order (see charts.table_columns),
   or every column of the data when the spec names none. */
function rtnTable(rows, columns) {
  if (!columns || !columns.length) {
    columns = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (key) { if (!columns.some(function (c) { return c[0] === key; })) columns.push([key, key, ""]); });
    });
  }
  var table = document.createElement("table");
  var head = table.createTHead().insertRow();
  columns.forEach(function (column) {
    var th = document.createElement("th");
    th.scope = "col";
    th.textContent = column[1];
    head.appendChild(th);
  });
  var body = table.createTBody();
  rows.forEach(function (row) {
    var tr = body.insertRow();
    columns.forEach(function (column) {
      var cell = tr.insertCell();
      cell.textContent = rtnFormat(row[column[0]], column[2]);
      if (typeof row[column[0]] === "number") cell.className = "num";
    });
  });
  return table;
}

/* Fit a chart to the width it is given: a view wider than the column is narrowed (text keeps its size),
   side-by-side views are stacked on a narrow screen, and marks placed at the old right edge follow it. */
var RTN_AXIS_ROOM = 90;
var rtnRoot = null;  // the chart being fitted: its datasets hold every view's rows
function rtnMoveEdge(view, from, to) {
  (view.layer || []).forEach(function (layer) { rtnMoveEdge(layer, from, to); });
  var x = view.encoding && view.encoding.x;
  if (x && x.value === from) x.value = to;
}
/* Break a title or subtitle into lines that fit ``width`` pixels at ``size`` px per character (about). */
function rtnWrap(text, width, size) {
  if (typeof text !== "string") return text;
  if (/[\u3000-\u9fff\uff00-\uffef]/.test(text)) return rtnWrapCjk(text, width, size);
  var perLine = Math.max(20, Math.floor(width / (size * 0.55)));
  var lines = [], line = "";
  text.split(" ").forEach(function (word) {
    if (line && (line + " " + word).length > perLine) { lines.push(line); line = word; }
    else line = line ? line + " " + word : word;
  });
  if (line) lines.push(line);
  return lines.length > 1 ? lines : text;
}
/* Chinese breaks between any two characters (each about one em wide), never inside a number or a Latin word. */
function rtnWrapCjk(text, width, size) {
  var tokens = text.match(/[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+|\s+/g) || [text];
  var lines = [], line = "", used = 0;
  tokens.forEach(function (token) {
    var cjk = /[\u3000-\u9fff\uff00-\uffef]/.test(token);
    var cost = cjk ? size : token.length * size * 0.55;
    if (line && used + cost > width && !/^\s+$/.test(token)) { lines.push(line.trim()); line = ""; used = 0; }
    line += token; used += cost;
  });
  if (line.trim()) lines.push(line.trim());
  return lines.length > 1 ? lines : text;
}
function rtnWrapTitle(spec, width) {
  var title = spec.title;
  if (!title) return;
  if (typeof title === "string") { spec.title = rtnWrap(title, width, 15); return; }
  title.text = rtnWrap(title.text, width, 15);
  if (title.subtitle) title.subtitle = rtnWrap(title.subtitle, width, 12);
}
/* A horizontal category or period axis whose labels do not fit side by side is turned, never thinned:
   each label names its bar or its period. Long labels wrap first (charts._category_axis). */
function rtnTurnLabels(view, width, rows) {
  (view.layer || []).forEach(function (layer) { rtnTurnLabels(layer, width, rows); });
  var x = view.encoding && view.encoding.x;
  if (!x || !x.field || (x.type !== "nominal" && x.type !== "ordinal") || typeof width !== "number") return;
  var seen = {};
  rows.forEach(function (row) { if (row[x.field] !== undefined) seen[row[x.field]] = true; });
  var labels = Object.keys(seen);
  if (!labels.length) return;
  var longest = 0;
  labels.forEach(function (label) {
    var line = String(label).length > 12 ? Math.max.apply(null, String(label).split(" ").map(function (w) { return w.length; }).concat([12])) : String(label).length;
    longest = Math.max(longest, line);
  });
  var band = width / labels.length;
  if (longest * 6.3 + 6 <= band) return;
  x.axis = Object.assign({}, x.axis || {}, { labelAngle: -90, labelAlign: "right", labelBaseline: "middle", labelLimit: 0, labelOverlap: false });
  delete x.axis.labelExpr;
}
function rtnFit(spec, available) {
  rtnWrapTitle(spec, available - 10);
  (spec.layer || []).forEach(function (layer) { rtnWrapTitle(layer, available - 10); });
  if (spec.hconcat && available < 700) {
    spec.vconcat = spec.hconcat;
    delete spec.hconcat;
  }
  var children = spec.vconcat || spec.hconcat || spec.concat;
  if (children) {
    children.forEach(function (child) { rtnFit(child, spec.hconcat ? available / children.length : available); });
    return spec;
  }
  if (typeof spec.width === "number" && spec.width + RTN_AXIS_ROOM > available) {
    var narrowed = Math.max(150, Math.floor(available - RTN_AXIS_ROOM));
    rtnMoveEdge(spec, spec.width, narrowed);
    spec.width = narrowed;
  }
  rtnTurnLabels(spec, spec.width, rtnMainDataset(rtnRoot || spec));
  return spec;
}

/* Slider readouts as a reader reads them ("4.37%", "$4,954 million"), not the raw fraction. */
function rtnReadouts(target, sliders) {
  if (!sliders) return;
  target.querySelectorAll(".vega-bind").forEach(function (bind) {
    var input = bind.querySelector("input[type=range]");
    var shown = input && input.nextElementSibling;
    var kind = input && sliders[input.name];
    if (!kind || !shown) return;
    var write = function () {
      var value = +input.value;
      shown.textContent = kind === "percent" ? (value * 100).toFixed(2) + "%" :
        kind === "millions" ? "$" + value.toLocaleString("en-US", { maximumFractionDigits: 0 }) + " million" : String(value);
    };
    input.addEventListener("input", write);
    write();
  });
}

/* The rows a what-if chart's table shows: what it draws now, recomputed when a slider moves. */
function rtnDrawnRows(result, wanted) {
  var found = [];
  (result.vgSpec.data || []).forEach(function (dataset) {
    if (found.length) return;
    try {
      var rows = result.view.data(dataset.name);
      if (rows.length && rows[0][wanted] !== undefined) found = rows;
    } catch (error) { /* not a dataset the view keeps */ }
  });
  return found;
}

/* Draw every chart with vega-embed (keeping the static SVG until that succeeds) and give each a
   Chart | Table switch. Without JavaScript the SVG and the "Data table" disclosure remain. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("figure.rtn-chart").forEach(function (figure) {
    var view = figure.querySelector(".rtn-chart-view");
    var details = figure.querySelector("details.rtn-chart-table");
    var spec = JSON.parse(figure.querySelector("script.rtn-chart-spec").textContent);
    var meta = spec.usermeta || {};
    var narrow = figure.clientWidth < 640;
    // Legends wrap into rows that fit the column; on a phone each legend is one column, so that two
    // legends side by side still fit.
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({}, spec.config.legend, narrow
      ? { columns: 1, labelLimit: Math.floor(figure.clientWidth / 2) - 40 }
      : { columns: Math.max(1, Math.floor(figure.clientWidth / 200)), labelLimit: 170 });
    var available = figure.clientWidth;
    rtnRoot = spec;
    rtnFit(spec, available);
    var target = document.createElement("div");
    var drawnTable = null;
    var draw = function (attempt) {
      return window.vegaEmbed(target, spec, { renderer: "svg", actions: false }).then(function (result) {
        // Legends and titles add to the width: narrow the view by what is over, once.
        var svg = target.querySelector("svg");
        var over = svg ? parseFloat(svg.getAttribute("width")) - available : 0;
        if (over > 1 && attempt === 0) {
          result.finalize();
          rtnFit(spec, available - over);
          return draw(1);
        }
        return result;
      });
    };
    draw(0)
      .then(function (result) {
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
        rtnReadouts(target, meta.rtnSliders);
        if (meta.rtnTable && details) {
          var refresh = function () {
            var table = rtnTable(rtnDrawnRows(result, meta.rtnTable.calculate), meta.rtnTable.columns);
            if (drawnTable) drawnTable.replaceWith(table); else details.appendChild(table);
            drawnTable = table;
          };
          refresh();
          Object.keys(meta.rtnSliders || {}).forEach(function (name) {
            result.view.addSignalListener(name, function () { result.view.runAfter(refresh); });
          });
        }
        figure.dataset.rendered = "vega";
      })
      .catch(function (error) {
        figure.dataset.rendered = "fallback";
        console.error("chart " + figure.id + " could not be drawn: " + error);
      });
    if (!details) return;
    if (!meta.rtnTable) details.appendChild(rtnTable(rtnMainDataset(spec), meta.rtnColumns));
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

/* Each glued number links to its row in the page's provenance table; show how it was worked out on
   hover and focus too, so a reader need not leave the sentence. The ledger's ids stay in that table. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a.rtn-num").forEach(function (link) {
    var row = document.getElementById(link.getAttribute("href").slice(1));
    if (!row) return;
    var cells = row.querySelectorAll("td");
    var how = cells[2].textContent.trim().replace(/([a-z0-9])_(?=[a-z0-9])/g, "$1 ");
    link.title = how || "worked out in the chapter from the sources listed below";
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

/* Tables: each one in a box of its own that scrolls sideways when the table is wider than the column (its
   first column then stays in view), and each cell that holds a figure, a date or an id marked so that it
   never wraps: "BB-", "Q1 2026", "$2,100 million", "30 June 2025" stay on one line. */
var RTN_FIGURE = /^[~≈<>≤≥+\-−–$€£(]*\d[\d,.]*\s?(%|×|x|bn|m|B|M|K|GW|MW|USD|times|million|billion)?[)]?$/;
var RTN_SHORT = /^\S{1,18}$|^(Q[1-4]|H[12]|FY) \d{4}$|^\d{1,2} [A-Z][a-z]+ \d{4}$|^[A-Z][a-z]+ \d{4}$|^\$?[\d,.]+ (million|billion|times|%)$/;
/* Inside a longer cell, a token with a digit and a hyphen or slash ("2024-12-31", "Q1-2025", "10-Q",
   "0001769628-25-000014", "$15.8-16M") is kept on one line: the browser would otherwise break it after a hyphen. */
var RTN_JOINED = /[^\s\u3000-\u9fff\uff00-\uffef]*\d[^\s\u3000-\u9fff\uff00-\uffef]*/g;
function rtnKeepTokens(cell) {
  var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  var nodes = [];
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (RTN_JOINED.test(node.textContent)) nodes.push(node);
    RTN_JOINED.lastIndex = 0;
  }
  nodes.forEach(function (node) {
    var text = node.textContent, last = 0, part = document.createDocumentFragment(), match;
    while ((match = RTN_JOINED.exec(text)) !== null) {
      part.appendChild(document.createTextNode(text.slice(last, match.index)));
      var span = document.createElement("span");
      span.className = "rtn-nowrap";
      span.textContent = match[0];
      part.appendChild(span);
      last = match.index + match[0].length;
    }
    part.appendChild(document.createTextNode(text.slice(last)));
    node.parentNode.replaceChild(part, node);
  });
}
function rtnFitTables(root) {
  root.querySelectorAll("article table").forEach(function (table) {
    table.querySelectorAll("td, th").forEach(function (cell) {
      rtnKeepTokens(cell);
      var text = cell.textContent.trim();
      if (!text || cell.children.length > 2) return;
      if (RTN_FIGURE.test(text)) cell.classList.add("num");
      else if (RTN_SHORT.test(text)) cell.classList.add("rtn-nowrap");
    });
    var parent = table.parentElement;
    if (!parent || parent.classList.contains("rtn-table-scroll")) return;
    var box = document.createElement("div");
    box.className = "rtn-table-scroll";
    parent.insertBefore(box, table);
    box.appendChild(table);
    var mark = function () {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("rtn-wide", wide);
      // A box that scrolls can be reached and scrolled from the keyboard.
      if (wide) { box.tabIndex = 0; box.setAttribute("role", "region"); box.setAttribute("aria-label", "Table (scrolls sideways)"); }
      else { box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-label"); }
    };
    mark();
    window.addEventListener("resize", mark);
  });
}
document.addEventListener("DOMContentLoaded", function () { rtnFitTables(document); });

/* Long chapters: a section whose heading states its finding can fold its working behind "Show the
   arithmetic" (a <div class="rtn-fold"> after the heading asks for it). The heading stays in view; without
   JavaScript, and in print, everything is shown. Runs after the charts are sized, so a folded chart keeps
   the width of the column. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("div.rtn-fold").forEach(function (marker) {
    var section = marker.closest("section");
    if (!section) return;
    var heading = section.querySelector("h2, h3, h4");
    var details = document.createElement("details");
    details.className = "rtn-arithmetic";
    var summary = document.createElement("summary");
    summary.textContent = marker.dataset.label || "Show the arithmetic";
    details.appendChild(summary);
    var moving = [];
    var passed = false;
    Array.prototype.forEach.call(section.children, function (child) {
      if (child === heading) { passed = true; return; }
      if (passed && child !== marker) moving.push(child);
    });
    moving.forEach(function (child) { details.appendChild(child); });
    marker.replaceWith(details);
  });
  // A link to something folded (a claim's row, a number's derivation) opens the folds around it.
  var reveal = function () {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var fold = target.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
    target.scrollIntoView();
  };
  window.addEventListener("hashchange", reveal);
  reveal();
});
