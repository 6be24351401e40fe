(function () {
  // Data arrive as JSON in a script element: never as HTML, so nothing an
  // article, a gazetteer or an actors file says can run. Every text below is
  // set with textContent, and popups, tooltips and labels are DOM nodes.
  //
  // Each site carries its intervals of unchanged state,
  // [first day, last day, 8 * controller + 2 * fighting + inferred, evidence refs...]
  // (day indices, inclusive; controller indexes data.controllers); the state of a
  // day is looked up here, not embedded per day. Evidence is
  // [days after the first day, source index, sentence], each sentence once.
  var data = JSON.parse(document.getElementById("{{ data_id }}").textContent);
  var map = {{ map_name }};
  var STYLE = data.style;
  var FIGHT = STYLE.fighting;
  var CTL = data.controllers;
  var LAST = data.days.length - 1;
  var ROWS_AT_MOST = 300;       // site list rows at once; the find box reaches the rest
  var CHANGES_AT_MOST = 200;    // "what changed" entries at once
  var LABELS_AT_MOST = 400;     // permanent labels in view; beyond, cities only until zoomed in
  var NONE = [0, 0, -1];
  var FIGHTS = ["none", "around", "inside"];
  // Lookup tables keyed by names from the input have no prototype, so a site or
  // actor called "constructor" or "__proto__" is a key like any other.
  function table(keys) {
    var t = Object.create(null);
    (keys || []).forEach(function (k) { t[k] = 1; });
    return t;
  }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  var CITY = table(["city", "town", "village"]);
  var phone = window.matchMedia("(max-width: 600px)");

  // --- state of a site on a day -------------------------------------------------------
  function colourOf(controller) {
    if (own(data.actors, controller)) { return data.actors[controller].colour; }
    return own(STYLE, controller) && STYLE[controller].colour ? STYLE[controller].colour : STYLE.unknown.colour;
  }
  function nameOf(controller) {
    return own(data.actors, controller) ? data.actors[controller].name + " (" + controller + ")" : controller;
  }
  function controllerOf(iv) { return iv[2] < 0 ? "unknown" : CTL[iv[2] >> 3]; }
  function isInferred(iv) { return iv[2] >= 0 && (iv[2] & 1) === 1; }
  function fightingOf(iv) { return iv[2] < 0 ? "none" : FIGHTS[(iv[2] >> 1) & 3]; }
  function refsOf(iv) { return iv.slice(3); }
  var DAY0 = Date.parse(data.days[0] + "T00:00:00Z");
  // An evidence date: days after the first day mapped, as an ISO day (in UTC,
  // so every time zone shows the same day).
  function dayOf(ev) {
    if (typeof ev[0] !== "number") { return ev[0]; }
    return ev[0] >= 0 && ev[0] <= LAST ? data.days[ev[0]]
      : new Date(DAY0 + ev[0] * 86400000).toISOString().slice(0, 10);
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
  // A state in a few words: "IS", "contested, fighting inside", "SDF (inferred)".
  function stateText(iv) {
    var text = controllerOf(iv), fight = fightingOf(iv);
    if (fight !== "none") { text += ", fighting " + fight; }
    return text + (isInferred(iv) ? " (inferred)" : "");
  }

  // --- drawing ------------------------------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  // Packed rings: integers of 1/scale degrees, each vertex the step from the one before.
  function ring(flat) {
    var out = [], x = 0, y = 0;
    for (var k = 0; k < flat.length; k += 2) {
      x += flat[k]; y += flat[k + 1];
      out.push([y / data.scale, x / data.scale]);
    }
    return out;
  }
  function polygons(packed) { return packed.map(function (p) { return p.map(ring); }); }

  // Panes, bottom to top: shaded areas, river and outlines, points. A big map
  // draws everything on one canvas (SVG would be too slow); then the order of
  // adding is the order of drawing.
  function pane(name, z) { map.createPane(name).style.zIndex = z; return name; }
  var R;
  if (data.svg) {
    R = { areas: L.svg({ pane: pane("cm-areas", 400) }), context: L.svg({ pane: pane("cm-context", 420) }),
          points: L.svg({ pane: pane("cm-points", 440) }) };
  } else {
    var canvas = L.canvas({ padding: 0.5 });
    R = { areas: canvas, context: canvas, points: canvas };
  }

  // Fill: who held it (paler when inferred, faint when unknown). Outline: how it
  // was fought that day (from FIGHT_STYLE), else dashed for an approximate area.
  function areaStyle(site, iv) {
    var c = controllerOf(iv), fight = fightingOf(iv), inferred = isInferred(iv);
    var s = { color: "#555555", weight: site.ev ? 1.2 : 0.8, opacity: 0.9,
              dashArray: site.approx ? "4 3" : null, lineJoin: "round",
              fillColor: colourOf(c), fillOpacity: c === "unknown" ? 0.16 : (inferred ? 0.3 : 0.6) };
    if (c === "contested") { s.color = STYLE.contested.outline; s.weight = 2; }
    if (fight !== "none") { s.color = FIGHT.colour; s.weight = FIGHT[fight].weight; s.dashArray = FIGHT[fight].dash; s.opacity = 1; }
    return s;
  }
  function dotStyle(site, iv) {
    var c = controllerOf(iv), fight = fightingOf(iv), inferred = isInferred(iv);
    var quiet = !site.ev;
    var s = { radius: CITY[site.kind] ? 8 : (site.area ? 3 : (quiet ? 4 : 6.5)),
              color: quiet ? "#777777" : "#222222", weight: quiet ? 0.8 : 1.5, opacity: quiet ? 0.7 : 1,
              dashArray: inferred ? "2 3" : null, lineCap: "round",
              fillColor: colourOf(c), fillOpacity: quiet ? 0.5 : (inferred ? 0.45 : 0.95) };
    if (c === "contested" && !quiet) { s.color = STYLE.contested.outline; s.weight = 2.5; s.dashArray = "4 3"; }
    if (fight !== "none" && !site.area) {
      s.color = FIGHT.colour; s.weight = FIGHT[fight].weight; s.dashArray = FIGHT[fight].dash; s.opacity = 1;
    }
    return s;
  }
  function lineStyle(site, iv) {
    var c = controllerOf(iv), fight = fightingOf(iv);
    return { color: fight === "none" ? colourOf(c) : FIGHT.colour, weight: site.ev ? 5 : 3,
             opacity: isInferred(iv) ? 0.5 : 0.9, dashArray: fight === "none" ? null : FIGHT[fight].dash };
  }

  var current = Math.min(Math.max(data.start || 0, 0), LAST);
  var layers = table();   // the site's main layer: its area, line or point
  var dots = table();     // the small point of a site drawn as an area
  var shown = table();
  var byId = table();
  var popupOpts = { maxWidth: Math.min(360, window.innerWidth - 50), autoPanPadding: [12, 12] };
  // A city with an outline has its point (its state) on the outline's top, under its name,
  // leaving the middle of town to its quarters; any other site is drawn where it is.
  function pointOf(site) { return CITY[site.kind] && site.at ? [site.at[1], site.at[0]] : [site.lat, site.lon]; }

  // Background first, under the sites: rivers, then cities' outlines.
  data.context.forEach(function (c) {
    var st = own(STYLE.context, c.kind) ? STYLE.context[c.kind] : STYLE.context["default"];
    var opts = { renderer: R.context, interactive: false, color: st.color, weight: st.weight,
                 opacity: st.opacity === undefined ? 1 : st.opacity, lineCap: "round", lineJoin: "round" };
    var layer = c.line ? L.polyline(c.line.map(ring), opts)
      : L.polygon(polygons(c.area), L.extend(opts, { fillColor: st.color, fillOpacity: st.fillOpacity || 0 }));
    layer.addTo(map);
  });
  data.sites.forEach(function (site) {
    if (!site.outline) { return; }
    L.polygon(polygons(site.outline), {
      renderer: R.context, interactive: false, fill: false, color: "#333333", weight: 2.5, opacity: 0.85,
      dashArray: site.approx ? "10 5" : null, className: "cm-outline"
    }).addTo(map);
  });

  function tag(layer, id, cls) {
    // SVG paths carry their site, for styles and tests (a canvas has no elements).
    var node = layer.getElement && layer.getElement();
    if (node) { node.setAttribute("data-site", id); node.classList.add(cls); }
  }
  function hover(layer, site) {
    // Sites with no permanent label still say their name under the pointer.
    if (!site.ev) { layer.bindTooltip(function () { return el("span", site.name); }, { sticky: true, className: "cm-hover" }); }
  }
  data.sites.forEach(function (site) {
    var iv = intervalAt(site, current);
    var layer;
    if (site.area) {
      layer = L.polygon(polygons(site.area), L.extend({ renderer: R.areas }, areaStyle(site, iv))).addTo(map);
      tag(layer, site.id, "cm-area");
      var dot = L.circleMarker([site.lat, site.lon], L.extend({ renderer: R.points }, dotStyle(site, iv))).addTo(map);
      tag(dot, site.id, "cm-dot");
      dot.bindPopup(function () { return popupFor(site, current); }, popupOpts);
      hover(dot, site);
      dots[site.id] = dot;
    } else if (site.line) {
      layer = L.polyline(site.line.map(ring), L.extend({ renderer: R.points }, lineStyle(site, iv))).addTo(map);
      tag(layer, site.id, "cm-line");
    } else {
      layer = L.circleMarker(pointOf(site), L.extend({ renderer: R.points }, dotStyle(site, iv))).addTo(map);
      tag(layer, site.id, "cm-dot");
    }
    layer.bindPopup(function () { return popupFor(site, current); }, popupOpts);
    hover(layer, site);
    layers[site.id] = layer;
    shown[site.id] = iv;
    byId[site.id] = site;
  });

  function restyle(site, iv) {
    if (site.area) {
      layers[site.id].setStyle(areaStyle(site, iv));
      dots[site.id].setStyle(dotStyle(site, iv));
    } else {
      layers[site.id].setStyle(site.line ? lineStyle(site, iv) : dotStyle(site, iv));
    }
  }

  // --- popups -------------------------------------------------------------------------
  function citation(ev) {
    // A link only to an http(s) address, opened apart from this page.
    var src = data.sources[ev[1]];
    var box = el("div", dayOf(ev) + " · ", "cm-cite");
    if (src[1] && /^https?:\/\//i.test(src[1])) {
      var a = el("a", src[0]);
      a.href = src[1];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      box.appendChild(a);
    } else {
      box.appendChild(document.createTextNode(src[0]));
    }
    return box;
  }
  function popupFor(site, i) {
    var iv = intervalAt(site, i);
    var controller = controllerOf(iv);
    var inferred = isInferred(iv);
    var box = el("div", null, "cm-popup");
    box.setAttribute("data-site", site.id);
    box.appendChild(el("h3", site.name));
    box.appendChild(el("div", site.kind + " · " + data.days[i], "cm-sub"));
    var held = el("div", "Held by: " + nameOf(controller) + (inferred ? " (inferred)" : ""));
    held.setAttribute("data-controller", controller);
    box.appendChild(held);
    var fight = fightingOf(iv);
    if (fight !== "none") {
      var f = el("div", fight === "inside" ? "Fighting inside it" : "Under pressure: fighting around it");
      f.setAttribute("data-fighting", fight);
      box.appendChild(f);
    }
    if (iv[2] >= 0) {
      var since = data.days[iv[0]] + (iv[1] === LAST ? " onwards" : " to " + data.days[iv[1]]);
      box.appendChild(el("div", "Unchanged " + since, "cm-sub"));
    }
    var refs = evidenceAt(iv, i);
    if (refs.length) {
      box.appendChild(el("div", inferred ? "Inferred from:" : "Evidence:", "cm-ev-h"));
      var ul = el("ul");
      refs.forEach(function (k) {
        var ev = data.evidence[k];
        var li = el("li");
        li.appendChild(citation(ev));
        li.appendChild(el("div", ev[2], "cm-sentence"));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    } else {
      box.appendChild(el("div", "No report speaks of it.", "cm-sub"));
    }
    if (site.area && site.approx) {
      box.appendChild(el("div", "Area approximate: the part of town nearest its point, not a surveyed boundary.", "cm-sub"));
    }
    box.appendChild(el("div", "Location: " + site.precision + " (" + site.source + ")", "cm-sub"));
    return box;
  }
  var openLayer = null;
  map.on("popupopen", function (e) { openLayer = e.popup._source || null; });
  map.on("popupclose", function () { openLayer = null; });

  // Pan to a site and open its popup (from the site list or the list of changes).
  // The pan is not animated: a popup left to open when an animated pan ends
  // would open whenever that pan is cut short (by the next day shown, say),
  // closing the popup being updated under it.
  function focusSite(site) {
    if (phone.matches) { setCollapsed(true); }
    var ll = L.latLng(pointOf(site));
    var layer = dots[site.id] || layers[site.id];
    map.panTo(ll, { animate: false });
    layer.openPopup(ll);
  }

  // --- labels -------------------------------------------------------------------------
  // Every site some evidence speaks of is named: a city above its outline (or beside
  // its point), a quarter in the middle of its area, a point site (smaller) beside its
  // dot. Each label takes the first side of its anchor where it overlaps no label or
  // dot placed before it, else the side where it overlaps least: moved, never hidden.
  // Labels are made for what is in view; past LABELS_AT_MOST, only cities until zoomed in.
  var named = data.sites.filter(function (s) { return s.ev; });
  var labels = table();
  var labelsNote = document.getElementById("cm-labels-note");
  var OFFSET = { center: [0, 0], right: [7, 0], left: [-7, 0], top: [0, -5], bottom: [0, 5] };
  var CITY_OFFSET = { top: [0, -9], bottom: [0, 9], right: [10, 0], left: [-10, 0] };
  function labelKind(site) { return CITY[site.kind] ? "city" : (site.area ? "area" : "point"); }
  function anchorOf(site) { return site.at ? [site.at[1], site.at[0]] : [site.lat, site.lon]; }
  function offsetOf(site, side) { return (CITY[site.kind] ? CITY_OFFSET : OFFSET)[side]; }
  function sidesOf(site) {
    var kind = labelKind(site);
    if (kind === "area") { return ["center", "top", "bottom", "right", "left"]; }
    if (kind === "city" && site.at) { return ["top", "bottom"]; }
    return ["right", "left", "top", "bottom"];
  }
  function makeLabel(site) {
    var text = el("span", site.name);
    text.setAttribute("data-site", site.id);
    var side = sidesOf(site)[0];
    var t = L.tooltip({ permanent: true, interactive: false, className: "cm-label cm-label-" + labelKind(site),
                        direction: side, offset: offsetOf(site, side) })
      .setLatLng(anchorOf(site)).setContent(text);
    t.cmSite = site;
    return t;
  }
  function setSide(t, side) {
    t.options.direction = side;
    t.options.offset = offsetOf(t.cmSite, side);
    t.update();
  }
  function overlap(r, boxes) {
    var sum = 0;
    boxes.forEach(function (b) {
      var w = Math.min(r.right, b.right) - Math.max(r.left, b.left);
      var h = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
      if (w > 0 && h > 0) { sum += w * h; }
    });
    return sum;
  }
  function rank(site) { return { city: 0, area: 1, point: 2 }[labelKind(site)]; }
  function placeLabels() {
    var ids = Object.keys(labels).sort(function (a, b) {
      return rank(byId[a]) - rank(byId[b]) || (a < b ? -1 : 1);
    });
    var origin = map.getContainer().getBoundingClientRect();
    // The dots of named point sites are obstacles too: a label should not hide one.
    var boxes = ids.filter(function (id) { return !byId[id].area; }).map(function (id) {
      var p = map.latLngToContainerPoint(pointOf(byId[id]));
      return { left: origin.left + p.x - 5, right: origin.left + p.x + 5, top: origin.top + p.y - 5, bottom: origin.top + p.y + 5 };
    });
    ids.forEach(function (id) {
      var t = labels[id], best = null;
      sidesOf(t.cmSite).some(function (side) {
        setSide(t, side);
        var r = t.getElement().getBoundingClientRect();
        var o = overlap(r, boxes);
        if (best === null || o < best[1]) { best = [side, o, r]; }
        return o === 0;
      });
      if (t.options.direction !== best[0]) { setSide(t, best[0]); }
      boxes.push(best[2]);
    });
  }
  function updateLabels() {
    var view = map.getBounds().pad(0.05);
    var inView = named.filter(function (s) { return view.contains(anchorOf(s)); });
    var many = inView.length > LABELS_AT_MOST;
    var want = table();
    inView.forEach(function (s) { if (!many || CITY[s.kind]) { want[s.id] = true; } });
    Object.keys(labels).forEach(function (id) {
      if (!want[id]) { map.removeLayer(labels[id]); delete labels[id]; }
    });
    Object.keys(want).forEach(function (id) {
      if (!labels[id]) { labels[id] = makeLabel(byId[id]).addTo(map); }
    });
    placeLabels();
    labelsNote.textContent = many ? "Zoom in to see the names of the " + inView.length + " sites in view." : "";
  }
  // River names, small and italic, at the river's point nearest the first view's centre.
  data.context.forEach(function (c) {
    if (!c.name || !c.at) { return; }
    L.tooltip({ permanent: true, interactive: false, direction: "bottom", offset: [0, 4], className: "cm-label cm-label-context" })
      .setLatLng([c.at[1], c.at[0]]).setContent(el("span", c.name)).addTo(map);
  });

  // --- the panel ----------------------------------------------------------------------
  var panel = document.getElementById("cm-panel");
  var toggle = document.getElementById("cm-toggle");
  var slider = document.getElementById("cm-day");
  var out = document.getElementById("cm-date");
  var playBtn = document.getElementById("cm-play");
  var tbody = document.querySelector("#cm-sites tbody");
  var filter = document.getElementById("cm-filter");
  var more = document.getElementById("cm-more");
  var changesTitle = document.getElementById("cm-changes-title");
  var changesList = document.getElementById("cm-changes");
  slider.max = LAST;
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);

  function setCollapsed(collapsed) {
    panel.classList.toggle("cm-collapsed", collapsed);
    toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    toggle.setAttribute("aria-label", collapsed ? "Show the panel" : "Hide the panel");
  }
  toggle.addEventListener("click", function () { setCollapsed(!panel.classList.contains("cm-collapsed")); });
  // On a phone the panel starts folded to its bar, so the map shows; opened, it
  // leads with the days and what changed (the key and the list a tap away).
  setCollapsed(phone.matches);
  if (phone.matches) {
    Array.prototype.forEach.call(panel.querySelectorAll("details"), function (d) { d.open = false; });
  }

  function swatch(kind, colour, extra) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "16"); svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "cm-swatch");
    var shape = document.createElementNS(ns, kind === "line" ? "line" : (kind === "dot" ? "circle" : "rect"));
    var attrs = kind === "line" ? { x1: 1, y1: 8, x2: 21, y2: 8 }
      : (kind === "dot" ? { cx: 11, cy: 8, r: 5.5 } : { x: 2, y: 2, width: 18, height: 12 });
    attrs.fill = kind === "line" ? "none" : colour;
    attrs.stroke = "#555555"; attrs["stroke-width"] = 1;
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    Object.keys(attrs).forEach(function (k) { shape.setAttribute(k, attrs[k]); });
    svg.appendChild(shape);
    return svg;
  }
  function legendRow(sw, text) {
    var row = el("div");
    row.appendChild(sw);
    row.appendChild(el("span", text));
    return row;
  }
  function buildLegend() {
    var legend = document.getElementById("cm-legend");
    Object.keys(data.actors).forEach(function (k) {
      legend.appendChild(legendRow(swatch("area", colourOf(k), { "fill-opacity": 0.6 }), nameOf(k)));
    });
    legend.appendChild(legendRow(swatch("area", colourOf("contested"), { "fill-opacity": 0.6, stroke: STYLE.contested.outline, "stroke-width": 2 }), "contested"));
    legend.appendChild(legendRow(swatch("area", colourOf("unknown"), { "fill-opacity": 0.3 }), "unknown: no report says"));
    legend.appendChild(legendRow(swatch("area", "#999999", { "fill-opacity": 0.3 }), "paler: inferred (no report that day)"));
    ["inside", "around"].forEach(function (f) {
      legend.appendChild(legendRow(swatch("area", "#FFFFFF", { stroke: FIGHT.colour, "stroke-width": Math.min(FIGHT[f].weight, 3.5),
        "stroke-dasharray": FIGHT[f].dash || "none", "stroke-linecap": "round" }),
        f === "inside" ? "fighting inside" : "fighting around (the holder keeps it)"));
    });
    if (data.sites.some(function (s) { return s.area && s.approx; })) {
      legend.appendChild(legendRow(swatch("area", "#FFFFFF", { "stroke-dasharray": "4 3" }),
        "approximate area: the part of town nearest the quarter's point, not a surveyed boundary"));
    }
    if (data.sites.some(function (s) { return s.outline; })) {
      legend.appendChild(legendRow(swatch("line", null, { stroke: "#333333", "stroke-width": 2.5, "stroke-dasharray": "10 5" }),
        "city outline (dashed: drawn round its quarters)"));
    }
    if (data.context.length) {
      var river = STYLE.context.river;
      legend.appendChild(legendRow(swatch("line", null, { stroke: river.color, "stroke-width": 4 }), "river"));
    }
  }

  // The site list: every site (those with evidence first), ROWS_AT_MOST rows at
  // once; the find box reaches the others.
  var listed = data.sites.slice().sort(function (a, b) {
    if (!a.ev !== !b.ev) { return a.ev ? -1 : 1; }
    var x = a.name.toLowerCase(), y = b.name.toLowerCase();
    return x < y ? -1 : (x > y ? 1 : (a.id < b.id ? -1 : 1));
  });
  var rows = [];
  document.getElementById("cm-sites-title").textContent = "Sites (" + listed.length + ")";
  function fillRow(tr, site) {
    var iv = intervalAt(site, current);
    var controller = controllerOf(iv);
    var inferred = isInferred(iv);
    tr.setAttribute("data-controller", controller);
    tr.setAttribute("data-inferred", inferred ? "true" : "false");
    var cell = tr.lastChild;
    cell.textContent = "";
    cell.appendChild(swatch("area", colourOf(controller), { "fill-opacity": inferred ? 0.3 : 0.8 }));
    cell.appendChild(document.createTextNode(controller + (inferred ? " *" : "")));
    cell.title = nameOf(controller) + (inferred ? " (inferred)" : "");
    cell.className = inferred ? "cm-inf" : "";
  }
  function renderRows() {
    var needle = (filter.value || "").trim().toLowerCase();
    var matches = needle ? listed.filter(function (s) {
      return s.name.toLowerCase().indexOf(needle) >= 0 || s.id.toLowerCase().indexOf(needle) >= 0;
    }) : listed;
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows = [];
    matches.slice(0, ROWS_AT_MOST).forEach(function (site) {
      var tr = el("tr", null, site.ev ? "" : "cm-quiet");
      tr.setAttribute("data-site", site.id);
      var td = el("td");
      var btn = el("button", site.name, "cm-link");
      btn.type = "button";
      btn.addEventListener("click", function () { focusSite(site); });
      td.appendChild(btn);
      tr.appendChild(td);
      tr.appendChild(el("td"));
      fillRow(tr, site);
      tbody.appendChild(tr);
      rows.push([tr, site]);
    });
    more.textContent = matches.length > ROWS_AT_MOST
      ? "Showing " + ROWS_AT_MOST + " of " + matches.length + " sites: type in the box to find others."
      : (needle ? matches.length + " of " + listed.length + " sites." : "");
  }

  // What changed on day i: every interval that starts on it (after the first day),
  // as "Site: before → after"; the intervals themselves are the feed's.
  var changes = data.days.map(function () { return []; });
  data.sites.forEach(function (site) {
    site.iv.forEach(function (iv) { if (iv[0] > 0) { changes[iv[0]].push(site); } });
  });
  // What a report says changed comes first; what was only inferred (a quarter held with its
  // city, a day no report speaks of) after it, so the news is not buried under it.
  changes.forEach(function (list, i) {
    var inferred = {};
    list.forEach(function (site) { inferred[site.id] = isInferred(intervalAt(site, i)) ? 1 : 0; });
    list.sort(function (a, b) {
      if (inferred[a.id] !== inferred[b.id]) { return inferred[a.id] - inferred[b.id]; }
      var x = a.name.toLowerCase(), y = b.name.toLowerCase(); return x < y ? -1 : (x > y ? 1 : 0);
    });
  });
  function changeText(site, i) {
    var before = intervalAt(site, i - 1), after = intervalAt(site, i);
    var a = stateText(before), b = stateText(after);
    // Only a report confirming what was inferred: say so.
    if (controllerOf(before) === controllerOf(after) && fightingOf(before) === fightingOf(after)) {
      b += isInferred(after) ? "" : " (reported)";
    }
    return [a, b, controllerOf(before), controllerOf(after)];
  }
  function renderChanges(i) {
    while (changesList.firstChild) { changesList.removeChild(changesList.firstChild); }
    var list = changes[i];
    changesTitle.textContent = i === 0 ? "First day mapped: " + data.days[0]
      : "What changed on " + data.days[i] + " (" + list.length + ")";
    if (i > 0 && !list.length) { changesList.appendChild(el("li", "No change from the day before.", "cm-sub")); }
    if (i === 0) { changesList.appendChild(el("li", "Press play to step through the days.", "cm-sub")); }
    var reported = list.filter(function (site) { return !isInferred(intervalAt(site, i)); }).length;
    list.slice(0, CHANGES_AT_MOST).forEach(function (site, k) {
      var t = changeText(site, i);
      if (k === reported) {  // also when every change that day is inferred
        changesList.appendChild(el("li", "Inferred, no report of their own (" + (list.length - reported) + "):", "cm-sub"));
      }
      var li = el("li");
      var btn = el("button", null, "cm-link cm-change");
      btn.type = "button";
      btn.setAttribute("data-site", site.id);
      btn.appendChild(swatch("dot", colourOf(t[3]), {}));
      btn.appendChild(document.createTextNode(site.name + ": " + t[0] + " → " + t[1]));
      btn.addEventListener("click", function () { focusSite(site); });
      li.appendChild(btn);
      changesList.appendChild(li);
    });
    if (list.length > CHANGES_AT_MOST) {
      changesList.appendChild(el("li", "and " + (list.length - CHANGES_AT_MOST) + " more", "cm-sub"));
    }
  }

  function show(i) {
    current = i;
    out.textContent = data.days[i];
    slider.value = i;
    data.sites.forEach(function (site) {
      var iv = intervalAt(site, i);
      if (shown[site.id] !== iv) {
        restyle(site, iv);
        shown[site.id] = iv;
      }
    });
    rows.forEach(function (r) { fillRow(r[0], r[1]); });
    renderChanges(i);
    if (openLayer && openLayer.getPopup && openLayer.getPopup()) { openLayer.getPopup().update(); }
    panel.setAttribute("data-date", data.days[i]);
  }

  // --- time: slider, previous / next, play --------------------------------------------
  var timer = null;
  var api = { playMs: 1000 };
  function setPlaying(on) {
    if (timer) { clearTimeout(timer); timer = null; }
    playBtn.setAttribute("aria-pressed", on ? "true" : "false");
    playBtn.setAttribute("aria-label", on ? "Pause" : "Play the days");
    playBtn.textContent = on ? "❚❚" : "▶";
    panel.classList.toggle("cm-playing", on);
    if (on) { timer = setTimeout(tick, api.playMs); }
  }
  function tick() {
    timer = null;
    if (current < LAST) { show(current + 1); }
    if (current < LAST) { timer = setTimeout(tick, api.playMs); } else { setPlaying(false); }
  }
  function play() {
    if (timer) { setPlaying(false); return; }
    if (current >= LAST) { show(0); }  // from the start again
    setPlaying(true);
  }
  function step(d) {
    setPlaying(false);
    show(Math.min(Math.max(current + d, 0), LAST));
  }
  playBtn.addEventListener("click", play);
  document.getElementById("cm-prev").addEventListener("click", function () { step(-1); });
  document.getElementById("cm-next").addEventListener("click", function () { step(1); });
  slider.addEventListener("input", function () { setPlaying(false); show(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (e) {
    var t = e.target, tagName = t && t.tagName;
    // Keys typed into a box, or pressed on a button or link, keep their own meaning.
    if (e.ctrlKey || e.metaKey || e.altKey || (t && t.isContentEditable)) { return; }
    if (tagName === "TEXTAREA" || tagName === "SELECT" || tagName === "BUTTON" || tagName === "A" || tagName === "SUMMARY"
        || (tagName === "INPUT" && t.type !== "range")) { return; }
    if (e.key === " " || e.key === "Spacebar") { e.preventDefault(); play(); }
    // Arrows on the focused map pan it (Leaflet's keyboard); elsewhere they step the days.
    else if (tagName !== "INPUT" && !map.getContainer().contains(t) && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      e.preventDefault(); step(e.key === "ArrowLeft" ? -1 : 1);
    }
  });

  // The state of a site on a day, for tests and scripts.
  function stateOf(id, i) {
    var day = i === undefined ? current : i;
    var iv = intervalAt(byId[id], day);
    return { controller: controllerOf(iv), inferred: isInferred(iv), fighting: fightingOf(iv),
      evidence: evidenceAt(iv, day).map(function (k) { return data.evidence[k][2]; }) };
  }

  document.getElementById("cm-title").textContent = data.title;
  document.getElementById("cm-credit").textContent = data.credit;
  buildLegend();
  filter.addEventListener("input", renderRows);
  renderRows();
  show(current);

  // The first view: the city's areas and every named site, clear of the panel.
  function fit() {
    var box = panel.getBoundingClientRect(), size = map.getSize();
    var pad = phone.matches || box.width > size.x / 2
      ? { paddingTopLeft: [16, Math.min(box.bottom, size.y / 3) + 16], paddingBottomRight: [16, 28] }
      : { paddingTopLeft: [40, 30], paddingBottomRight: [size.x - box.left + 30, 40] };
    map.fitBounds(data.view, L.extend(pad, { maxZoom: 16, animate: false }));
  }
  fit();
  updateLabels();
  map.on("moveend", updateLabels);
  window.conflictmap = L.extend(api, { show: show, play: play, data: data, layers: layers, dots: dots,
    labels: labels, stateOf: stateOf, changes: function (i) { return changes[i].map(function (s) { return s.id; }); },
    ready: true });
})();
