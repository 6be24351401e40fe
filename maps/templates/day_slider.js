(function () {
  // Data arrive as JSON in a script element: never as HTML, so nothing an
  // article says can run. Every text below is set with textContent.
  var data = JSON.parse(document.getElementById("{{ data_id }}").textContent);
  var map = {{ map_name }};
  var STYLE = data.style;

  function colourOf(controller) {
    if (data.actors[controller]) { return data.actors[controller].colour; }
    return STYLE[controller] ? STYLE[controller].colour : STYLE.unknown.colour;
  }
  function labelOf(controller) {
    if (data.actors[controller]) { return data.actors[controller].name + " (" + controller + ")"; }
    return controller;
  }
  function styleFor(state) {
    var contested = state[0] === "contested";
    return {
      color: contested ? STYLE.contested.outline : "#222222",
      weight: contested ? 3 : 1.5,
      dashArray: contested ? "4 3" : (state[1] ? "2 3" : null),
      fillColor: colourOf(state[0]),
      fillOpacity: state[1] ? 0.35 : 0.85,
      opacity: state[1] ? 0.6 : 1
    };
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  var layers = {};
  data.sites.forEach(function (site) {
    var layer;
    if (site.geometry && site.geometry.type !== "Point") {
      layer = L.geoJSON(site.geometry, { style: function () { return styleFor(site.states[0]); } });
    } else {
      layer = L.circleMarker([site.lat, site.lon], { radius: site.kind === "city" ? 14 : 8 });
    }
    layer.addTo(map);
    if (site.label) {
      layer.bindTooltip(site.name, { permanent: true, direction: "right", className: "cm-label-site", offset: [8, 0] });
    }
    layers[site.id] = layer;
  });

  function popupFor(site, i) {
    var state = site.states[i];
    var box = el("div", null, "cm-popup");
    box.appendChild(el("h4", site.name));
    box.appendChild(el("div", site.kind + " · " + data.days[i]));
    var held = el("div", "Held by: " + labelOf(state[0]) + (state[1] ? " (inferred)" : ""));
    held.setAttribute("data-controller", state[0]);
    box.appendChild(held);
    if (state[2].length) {
      box.appendChild(el("div", state[1] ? "Inferred from:" : "Evidence:"));
      var ul = el("ul");
      state[2].forEach(function (k) {
        var ev = data.evidence[k];
        var li = el("li");
        li.appendChild(el("b", ev.date + " · " + ev.article + ": "));
        li.appendChild(document.createTextNode(ev.sentence));
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
  slider.max = data.days.length - 1;

  function show(i) {
    out.textContent = data.days[i];
    slider.value = i;
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    data.sites.forEach(function (site) {
      var state = site.states[i];
      var layer = layers[site.id];
      layer.setStyle(styleFor(state));
      layer.unbindPopup();
      layer.bindPopup(popupFor(site, i), { maxWidth: 360 });
      if (site.listed) {
        var tr = el("tr");
        tr.setAttribute("data-site", site.id);
        tr.setAttribute("data-controller", state[0]);
        tr.setAttribute("data-inferred", state[1] ? "true" : "false");
        var name = el("td", site.name);
        name.style.cursor = "pointer";
        name.addEventListener("click", function () { layer.openPopup(); });
        tr.appendChild(name);
        tr.appendChild(el("td", labelOf(state[0]) + (state[1] ? " *" : ""), state[1] ? "cm-inf" : null));
        tbody.appendChild(tr);
      }
    });
    document.getElementById("cm-panel").setAttribute("data-date", data.days[i]);
  }

  document.getElementById("cm-title").textContent = data.title;
  document.getElementById("cm-credit").textContent = data.credit;
  var legend = document.getElementById("cm-legend");
  var keys = Object.keys(data.actors).map(function (k) { return [k, labelOf(k), ""]; });
  keys.push(["contested", "contested", " cm-contested"], ["unknown", "unknown", ""], ["inferred", "* inferred (no report that day)", " cm-inferred"]);
  keys.forEach(function (k) {
    var row = el("div");
    var sw = el("span", null, "cm-swatch" + k[2]);
    sw.style.background = k[0] === "inferred" ? "#999999" : colourOf(k[0]);
    row.appendChild(sw);
    row.appendChild(el("span", k[1]));
    legend.appendChild(row);
  });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  show(data.start || 0);
  window.conflictmap = { show: show, data: data };
})();
