// corridor's web map: a form over the HTTP API, routes drawn with Leaflet over Natural Earth
// country shapes. Everything is served by `corridor serve` itself: no other host is contacted.
"use strict";

// One colour per mode, so legs of modes the network gains later are drawn without changes here.
const MODE_COLOURS = { sea: "#1565c0", ferry: "#00897b", rail: "#6a1b9a", road: "#e65100", air: "#c62828", transfer: "#616161" };
const KNOWN_MODES = ["sea", "ferry", "rail", "road", "air"];
const KM_PER_NMI = 1.852;

const $ = (id) => document.getElementById(id);
const map = L.map("map", { worldCopyJump: false, minZoom: 1 }).setView([20, 0], 2);
map.attributionControl.setPrefix("Leaflet").addAttribution("Natural Earth (world-atlas)");
const routeLayer = L.featureGroup().addTo(map);

// Longitudes made continuous along a line: a step of more than 180° is the antimeridian, so the
// rest of the line is shifted by 360° instead of jumping across the map.
function unwrap(lonlats) {
  const out = [];
  let offset = 0, previous = null;
  for (const [lon, lat] of lonlats) {
    let x = lon + offset;
    if (previous !== null && Math.abs(x - previous) > 180) {
      offset += x > previous ? -360 : 360;
      x = lon + offset;
    }
    out.push([x, lat]);
    previous = x;
  }
  return out;
}

// world-atlas shapes are on the sphere: a ring across the antimeridian (Russia, Fiji) is unwrapped,
// and one around a pole (Antarctica) is closed along the pole, so the flat map shows no stray lines.
function flatRing(ring) {
  const out = unwrap(ring);
  const first = out[0], last = out[out.length - 1];
  if (Math.abs(last[0] - first[0]) > 180) {
    const pole = first[1] > 0 ? 90 : -90;
    out.push([last[0], pole], [first[0], pole], first);
  }
  return out;
}

function flatCountries(collection) {
  for (const { geometry } of collection.features) {
    if (geometry?.type === "Polygon") geometry.coordinates = geometry.coordinates.map(flatRing);
    if (geometry?.type === "MultiPolygon") geometry.coordinates = geometry.coordinates.map((p) => p.map(flatRing));
  }
  return collection;
}

// Country shapes, drawn three times (-360, 0, +360) so a route across the Pacific stays whole.
fetch("/vendor/world-atlas/countries-50m.json").then((r) => r.json()).then((topo) => {
  const countries = flatCountries(topojson.feature(topo, topo.objects.countries));
  const renderer = L.canvas({ padding: 0.5 });
  for (const offset of [-360, 0, 360]) {
    L.geoJSON(countries, {
      renderer, interactive: false,
      style: { color: "#9a9a8a", weight: 0.6, fillColor: "#f3f0e6", fillOpacity: 1 },
      coordsToLatLng: (c) => L.latLng(c[1], c[0] + offset),
    }).addTo(map);
  }
  routeLayer.bringToFront();
});

async function api(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `${response.status} ${response.statusText}`);
  return body;
}

// --- the form, filled from /health and /passages ---

function checkbox(container, name, value, text, { checked = false, disabled = false, title = "" } = {}) {
  const label = document.createElement("label");
  label.title = title;
  label.innerHTML = `<input type="checkbox" name="${name}" value="${value}"> `;
  label.append(text);
  label.firstChild.checked = checked;
  label.firstChild.disabled = disabled;
  container.append(label);
}

// The form's choices and ranges come from the route request's declared options (/health
// "options"), so the page offers what the server accepts and nothing else.
function choices(select, option, selected) {
  select.replaceChildren(...option.choices.map((c) => new Option(c, c, false, c === selected)));
  select.title = option.help;
}

function range(input, option) {
  if (option.min !== null) input.min = String(option.min);
  if (option.max !== null) input.max = String(option.max);
  input.title = option.help;
}

async function setUp() {
  const [health, passages] = await Promise.all([api("/health"), api("/passages")]);
  const declared = Object.fromEntries(health.options.route.map((o) => [o.name, o]));
  for (const mode of KNOWN_MODES) {
    const available = declared.modes.choices.includes(mode);
    checkbox($("modes"), "modes", mode, mode, { checked: available, disabled: !available,
      title: available ? "" : "not in the network yet" });
  }
  $("modes").addEventListener("change", () => { $("modes").dataset.touched = "1"; });
  choices($("cargo"), declared.cargo, "container");
  choices($("vessel"), declared.vessel, declared.vessel.default);
  range($("speed"), declared.speed_kn);
  range($("tonnes"), declared.tonnes);
  const most = Math.min(declared.alternatives.max, health.limits.max_alternatives);
  for (let n = 0; n <= most; n++) {
    $("alternatives").add(new Option(String(n), String(n), false, n === Math.min(2, most)));
  }
  for (const p of passages) {
    const closed = Boolean(p.closed_by_default);
    checkbox($(closed ? "allow" : "avoid"), closed ? "allow" : "avoid", p.key, p.name, { title: p.closed_by_default || p.kind });
  }
}

// --- place search suggestions (/places) and picking on the map ---

function suggest(input, list) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      const places = await api(`/places?q=${encodeURIComponent(q)}&limit=8`).catch(() => []);
      list.replaceChildren(...places.map((p) => new Option(
        `${p.name}${p.code ? ` (${p.code}${p.country && p.kind === "port" ? ", " + p.country : ""})` : ""}`,
        p.kind === "point" ? `${p.lat},${p.lon}` : p.code || p.name)));
    }, 200);
  });
}
suggest($("origin"), $("origin-list"));
suggest($("destination"), $("destination-list"));

map.on("click", (e) => {
  const target = document.querySelector("input[name=click]:checked").value;
  const lon = ((e.latlng.lng + 540) % 360) - 180;
  $(target).value = `${e.latlng.lat.toFixed(4)},${lon.toFixed(4)}`;
  document.querySelector(`input[name=click][value=${target === "origin" ? "destination" : "origin"}]`).checked = true;
});

// --- asking /route and showing the answer ---

function query(avoidList) {
  const params = new URLSearchParams({ from: $("origin").value.trim(), to: $("destination").value.trim() });
  const checked = (name) => [...document.querySelectorAll(`input[name=${name}]:checked`)].map((c) => c.value);
  // Untouched boxes leave the choice to the server: by sea between two ports, every mode otherwise.
  if ($("modes").dataset.touched) params.set("modes", checked("modes").join(","));
  if (avoidList.length) params.set("avoid", avoidList.join(","));
  if (checked("allow").length) params.set("allow", checked("allow").join(","));
  params.set("vessel", $("vessel").value);
  params.set("cargo", $("cargo").value);
  if ($("tonnes").value) params.set("tonnes", $("tonnes").value);
  params.set("optimize", $("objective").value);
  if ($("speed").value) params.set("speed", $("speed").value);
  return params;
}

// The route's MultiLineString as one line per leg: a part that ends on the antimeridian goes on
// in the next part (see corridor.geo.split_antimeridian). Returns [{mode, latlngs}], unwrapped.
function legLines(route) {
  const legs = [[]];
  for (const part of route.geometry.coordinates) {
    legs[legs.length - 1].push(...part);
    if (Math.abs(part[part.length - 1][0]) !== 180) legs.push([]);
  }
  if (!legs[legs.length - 1].length) legs.pop();
  const points = unwrap(legs.flat()).map(([lon, lat]) => [lat, lon]);
  let start = 0;
  return legs.map((leg, i) => {
    const latlngs = points.slice(start, start + leg.length);
    start += leg.length;
    return { mode: route.legs[i]?.mode ?? "sea", latlngs };
  });
}

function draw(route, index) {
  const group = L.featureGroup();
  const lines = legLines(route);
  for (const { mode, latlngs } of lines) {
    L.polyline(latlngs, {
      color: MODE_COLOURS[mode] || "#000", weight: index === 0 ? 4 : 3, opacity: index === 0 ? 0.95 : 0.7,
      dashArray: index === 0 ? null : "8 6", className: `route route-${mode}`,
    }).bindTooltip(`${index === 0 ? "best" : "alternative " + index}: ${mode}`).addTo(group);
  }
  const ends = [[route.origin, lines[0].latlngs[0]], [route.destination, lines.at(-1).latlngs.at(-1)]];
  for (const [place, latlng] of ends) {
    L.circleMarker(latlng, { radius: 5, color: "#222", fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(place.name).addTo(group);
  }
  group.addTo(routeLayer);
  return group;
}

function row(route, index, exportQuery) {
  const tr = document.createElement("tr");
  const colour = MODE_COLOURS[route.legs[0]?.mode] || "#000";
  const cells = [
    `<span class="swatch${index ? " alt" : ""}" style="background-color:${colour}"></span>${index ? "alt " + index : "best"}`,
    route.distance_km.toLocaleString("en-US", { maximumFractionDigits: 0 }),
    (route.distance_km / KM_PER_NMI).toLocaleString("en-US", { maximumFractionDigits: 0 }),
    route.duration_days.toFixed(1),
    route.cost_usd == null ? "—" : route.cost_usd.toLocaleString("en-US", { maximumFractionDigits: 0 }),
    route.co2e_kg == null ? "—" : (route.co2e_kg / 1000).toLocaleString("en-US", { maximumFractionDigits: 2 }),
  ];
  tr.innerHTML = cells.map((c) => `<td>${c}</td>`).join("") + '<td class="passages"></td><td><a download>GeoJSON</a></td>';
  tr.querySelector(".passages").textContent = route.passages.join(", ") || "none";
  exportQuery.set("format", "geojson");
  tr.querySelector("a").href = `/route?${exportQuery}`;
  tr.querySelector("a").title = "Export this route as GeoJSON";
  return tr;
}

function say(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const avoid = [...document.querySelectorAll("input[name=avoid]:checked")].map((c) => c.value);
  const params = query(avoid);
  params.set("alternatives", $("alternatives").value);
  $("submit").disabled = true;
  document.body.dataset.state = "busy";
  say("Planning…");
  try {
    const best = await api(`/route?${params}`);
    // The planner's alternatives start with the best route itself (as corridor route --alternatives)
    const routes = best.alternatives && best.alternatives.length ? best.alternatives : [best];
    routeLayer.clearLayers();
    $("results").querySelector("tbody").replaceChildren(
      ...routes.map((r, i) => row(r, i, query(r.restrictions.avoided))));
    routes.slice().reverse().forEach((r) => draw(r, routes.indexOf(r)));
    map.fitBounds(routeLayer.getBounds(), { padding: [30, 30] });
    $("notes").replaceChildren(...best.notes.map((n) => Object.assign(document.createElement("li"), { textContent: n })));
    say(`${best.origin.name} → ${best.destination.name}: ${routes.length} route${routes.length > 1 ? "s" : ""}.`);
    const [a, b] = [best.origin.country, best.destination.country];
    if (a && b && a !== b) {  // the country-pair report for the two ends
      const link = Object.assign(document.createElement("a"), {
        href: `/report?${new URLSearchParams({ from: a, to: b, format: "html" })}`,
        textContent: `Country-pair report ${a} → ${b}`, id: "report-link" });
      $("status").append(" ", link);
    }
    document.body.dataset.state = "done";
  } catch (error) {
    say(error.message, true);
    document.body.dataset.state = "error";
  } finally {
    $("submit").disabled = false;
  }
});

setUp().catch((error) => say(`Could not reach the corridor API: ${error.message}`, true));
