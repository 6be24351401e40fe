(function () {
  // Data arrive as JSON in a script element: never as HTML, so nothing an
  // article says can run. Every text below is set with textContent.
  //
  // Each site carries its intervals of unchanged state,
  // [first day, last day, 2 * controller + inferred, evidence refs...] (day
  // indices, inclusive; controller indexes data.controllers); the state of a
  // day is looked up here, not embedded per day. Evidence is
  // [days after the first day, article index, sentence], each sentence once.
  var data = JSON.parse(document.getElementById("{{ data_id }}").textContent);
  var map = {{ map_name }};
  var STYLE = data.style;
  var CTL = data.controllers;
  var ROWS_AT_MOST = 300;
  var NONE = [0, 0, -1];
  var renderer = L.canvas({ padding: 0.5 });

  function colourOf(controller) {
    if (data.actors[controller]) { return data.actors[controller].colour; }
    return STYLE[controller] ? STYLE[controller].colour : STYLE.unknown.colour;
  }
  function labelOf(controller) {
    if (data.actors[controller]) { return data.actors[controller].name + " (" + controller + ")"; }
    return controller;
  }
  function controllerOf(iv) { return iv[2] < 0 ? "unknown" : CTL[iv[2] >> 3]; }
  function isInferred(iv) { return iv[2] >= 0 && (iv[2] & 1) === 1; }
  var FIGHTS = ["none", "around", "inside"];
  function fightingOf(iv) { return iv[2] < 0 ? "none" : FIGHTS[(iv[2] >> 1) & 3]; }
  function refsOf(iv) { return iv.slice(3); }
  var DAY0 = Date.parse(data.days[0] + "T00:00:00Z");
  // An evidence date: days after the first day mapped, as an ISO day (in UTC,
  // so every time zone shows the same day).
  function dayOf(ev) {
    if (typeof ev[0] !== "number") { return ev[0]; }
    return ev[0] >= 0 && ev[0] < data.days.length ? data.days[ev[0]]
      : new Date(DAY0 + ev[0] * 86400000).toISOString().slice(0, 10);
  }
  // Fill: who held it. Outline: how it was fought that day (a thick ring inside it, a
  // dotted ring around it), else the contested or plain outline.
  function styleFor(iv) {
    var controller = controllerOf(iv);
    var contested = controller === "contested";
    var inferred = isInferred(iv);
    var fight = fightingOf(iv);
    var colour = contested ? STYLE.contested.outline : "#222222";
    var weight = contested ? 3 : 1.5;
    var dash = contested ? "4 3" : (inferred ? "2 3" : null);
    if (fight === "inside") { colour = STYLE.fighting.colour; weight = 4; dash = null; }
    if (fight === "around") { colour = STYLE.fighting.colour; weight = 3.5; dash = "1 5"; }
    return {
      color: colour,
      weight: weight,
      dashArray: dash,
      lineCap: "round",
      fillColor: colourOf(controller),
      fillOpacity: inferred ? 0.35 : 0.85,
      opacity: inferred ? 0.6 : 1
    };
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  // The interval of a site holding day i (intervals are sorted and disjoint).
  function intervalAt(site, i) {
    var ivs = site.iv, lo = 0, hi = ivs.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, iv = ivs[mid];
      if (i < iv[0]) { hi = mid - 1; } else if (i > iv[1]) { lo = mid + 1; } else { return iv; }
    }
    return NONE;
  }

  // The evidence shown for day i: a reported state shows the sentences about
  // days up to i (later ones belong to later days of the run); an inferred one
  // shows all, since it is inferred from later reports.
  function evidenceAt(iv, i) {
    var all = refsOf(iv);
    if (isInferred(iv)) { return all; }
    var day = data.days[i];
    var refs = all.filter(function (k) { return dayOf(data.evidence[k]) <= day; });
    return refs.length ? refs : all;
  }

  var current = data.start || 0;
  var layers = {};
  var shown = {};
  var byId = {};
  data.sites.forEach(function (site) {
    var layer;
    var style = styleFor(intervalAt(site, current));
    if (site.geometry && site.geometry.type !== "Point") {
      // Areas (neighbourhood polygons) are shaded by who held them.
      layer = L.geoJSON(site.geometry, { renderer: renderer, style: function () { return style; } });
    } else {
      style.radius = site.kind === "city" ? 14 : 8;
      style.renderer = renderer;
      layer = L.circleMarker([site.lat, site.lon], style);
    }
    layer.addTo(map);
    if (site.label) {
      layer.bindTooltip(site.name, { permanent: true, direction: "right", className: "cm-label-site", offset: [8, 0] });
    }
    layer.bindPopup(function () { return popupFor(site, current); }, { maxWidth: 360 });
    layers[site.id] = layer;
    byId[site.id] = site;
  });

  function popupFor(site, i) {
    var iv = intervalAt(site, i);
    var controller = controllerOf(iv);
    var inferred = isInferred(iv);
    var box = el("div", null, "cm-popup");
    box.setAttribute("data-site", site.id);
    box.appendChild(el("h4", site.name));
    box.appendChild(el("div", site.kind + " · " + data.days[i]));
    var held = el("div", "Held by: " + labelOf(controller) + (inferred ? " (inferred)" : ""));
    held.setAttribute("data-controller", controller);
    box.appendChild(held);
    var fight = fightingOf(iv);
    if (fight !== "none") {
      var f = el("div", fight === "inside" ? "Fighting inside it" : "Under pressure: fighting around it");
      f.setAttribute("data-fighting", fight);
      box.appendChild(f);
    }
    if (iv[2] >= 0) {
      var since = data.days[iv[0]] + (iv[1] === data.days.length - 1 ? " onwards" : " to " + data.days[iv[1]]);
      box.appendChild(el("div", "Unchanged " + since, "cm-credit"));
    }
    var refs = evidenceAt(iv, i);
    if (refs.length) {
      box.appendChild(el("div", inferred ? "Inferred from:" : "Evidence:"));
      var ul = el("ul");
      refs.forEach(function (k) {
        var ev = data.evidence[k];
        var li = el("li");
        li.appendChild(el("b", dayOf(ev) + " · " + data.articles[ev[1]] + ": "));
        li.appendChild(document.createTextNode(ev[2]));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    box.appendChild(el("div", "Location: " + site.precision + " (" + site.source + ")", "cm-credit"));
    return box;
  }

  var slider = document.getElementById("cm-day");
  var out = document.getElementById("cm-date");
  var tbody = document.querySelector("#cm-sites tbody");
  var filter = document.getElementById("cm-filter");
  var more = document.getElementById("cm-more");
  var listed = data.sites.filter(function (s) { return s.listed; });
  var rows = [];
  var openLayer = null;
  slider.max = data.days.length - 1;
  map.on("popupopen", function (e) { openLayer = e.popup._source || null; });
  map.on("popupclose", function () { openLayer = null; });

  function fillRow(tr, site) {
    var iv = intervalAt(site, current);
    var controller = controllerOf(iv);
    tr.setAttribute("data-controller", controller);
    var inferred = isInferred(iv);
    tr.setAttribute("data-inferred", inferred ? "true" : "false");
    var cell = tr.lastChild;
    cell.textContent = labelOf(controller) + (inferred ? " *" : "");
    cell.className = inferred ? "cm-inf" : "";
  }
  // The site list: at most ROWS_AT_MOST rows at once; the filter box finds the others.
  function renderRows() {
    var needle = (filter.value || "").trim().toLowerCase();
    var matches = needle ? listed.filter(function (s) {
      return s.name.toLowerCase().indexOf(needle) >= 0 || s.id.toLowerCase().indexOf(needle) >= 0;
    }) : listed;
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows = [];
    matches.slice(0, ROWS_AT_MOST).forEach(function (site) {
      var tr = el("tr");
      tr.setAttribute("data-site", site.id);
      var name = el("td", site.name);
      name.style.cursor = "pointer";
      name.addEventListener("click", function () { layers[site.id].openPopup(); });
      tr.appendChild(name);
      tr.appendChild(el("td"));
      fillRow(tr, site);
      tbody.appendChild(tr);
      rows.push([tr, site]);
    });
    more.textContent = matches.length > ROWS_AT_MOST
      ? "Showing " + ROWS_AT_MOST + " of " + matches.length + " sites: type in the box to find others."
      : (listed.length > ROWS_AT_MOST ? matches.length + " of " + listed.length + " sites." : "");
  }

  function show(i) {
    current = i;
    out.textContent = data.days[i];
    slider.value = i;
    data.sites.forEach(function (site) {
      var iv = intervalAt(site, i);
      if (shown[site.id] !== iv) {
        layers[site.id].setStyle(styleFor(iv));
        shown[site.id] = iv;
      }
    });
    rows.forEach(function (r) { fillRow(r[0], r[1]); });
    if (openLayer && openLayer.getPopup && openLayer.getPopup()) { openLayer.getPopup().update(); }
    document.getElementById("cm-panel").setAttribute("data-date", data.days[i]);
  }

  // The state of a site on a day, for tests and scripts.
  function stateOf(id, i) {
    var day = i === undefined ? current : i;
    var iv = intervalAt(byId[id], day);
    return { controller: controllerOf(iv), inferred: isInferred(iv), fighting: fightingOf(iv),
      evidence: evidenceAt(iv, day).map(function (k) { return data.evidence[k][2]; }) };
  }

  document.getElementById("cm-title").textContent = data.title;
  document.getElementById("cm-credit").textContent = data.credit;
  var legend = document.getElementById("cm-legend");
  var keys = Object.keys(data.actors).map(function (k) { return [k, labelOf(k), ""]; });
  keys.push(["contested", "contested", " cm-contested"], ["unknown", "unknown", ""], ["inferred", "* inferred (no report that day)", " cm-inferred"],
            ["inside", "fighting inside", " cm-fight-inside"], ["around", "fighting around (holder keeps it)", " cm-fight-around"]);
  keys.forEach(function (k) {
    var row = el("div");
    var sw = el("span", null, "cm-swatch" + k[2]);
    sw.style.background = k[0] === "inferred" ? "#999999" : (k[0] === "inside" || k[0] === "around" ? "#FFFFFF" : colourOf(k[0]));
    row.appendChild(sw);
    row.appendChild(el("span", k[1]));
    legend.appendChild(row);
  });
  if (listed.length <= ROWS_AT_MOST) { filter.style.display = "none"; }
  filter.addEventListener("input", renderRows);
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  renderRows();
  show(current);
  window.conflictmap = { show: show, data: data, layers: layers, stateOf: stateOf, ready: true };
})();
