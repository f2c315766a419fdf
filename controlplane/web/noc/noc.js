// MiniVoice Edge NOC dashboard: read-only views of /v1/noc/* with an admin key kept in this
// browser session only. Every value from the API is set as text, never as HTML.
"use strict";

const KEY_STORAGE = "mv-noc-key";
const REFRESH_MS = 5000;
let refreshTimer = null;

function adminKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

// A key can also arrive as #key=... (for automation); it is moved to the session at once and
// removed from the address bar and history.
function takeKeyFromFragment() {
  const match = /^#key=(.+)$/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY_STORAGE, decodeURIComponent(match[1]));
  history.replaceState(null, "", window.location.pathname);
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  }
  return node;
}

function badge(state) {
  return element("span", { class: "badge state-" + state }, state);
}

function table(headers, rows) {
  if (rows.length === 0) return element("p", { class: "empty" }, "nothing to show");
  const head = element("tr", {}, ...headers.map((h) => element("th", {}, h)));
  return element("table", {}, element("thead", {}, head), element("tbody", {}, ...rows));
}

function setStatus(text, isError) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function filterText() {
  return document.getElementById("filter").value.trim().toLowerCase();
}

function matchesFilter(...ids) {
  const wanted = filterText();
  return wanted === "" || ids.some((id) => (id || "").toLowerCase().includes(wanted));
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + adminKey() } });
  if (response.status === 401 || response.status === 403) {
    throw new Error("the key was refused (" + response.status + "): an admin key is needed");
  }
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return response.json();
}

function nodeError(node) {
  return node.error ? element("p", { class: "error" }, node.endpoint + ": " + node.error) : null;
}

function renderNodes(drift) {
  const rows = drift.nodes.map((node) =>
    element("tr", { class: "node", "data-endpoint": node.endpoint },
      element("td", {}, (node.name ? node.name + " " : "") + node.endpoint),
      element("td", {}, node.error ? badge("error") : badge(node.in_sync ? "in_sync" : "out_of_sync")),
      element("td", { class: "applied-generation" }, String(node.applied_generation)),
      element("td", {}, node.last_reload_at || "never"),
      element("td", {}, node.restarted_since_reload ? "yes" : "no"),
      element("td", {}, String(node.restarts_seen)),
      element("td", {}, node.error || "")));
  document.getElementById("nodes").replaceChildren(
    table(["node", "state", "applied generation", "last reload", "restarted since", "restarts seen", "error"], rows));
}

function latencyText(latency) {
  return latency ? latency.avg_ms.toFixed(1) + " ms avg, " + latency.timeouts + " timeouts" : "";
}

function renderDispatcher(dispatcher) {
  const parts = [];
  for (const node of dispatcher.nodes) {
    parts.push(element("h3", {}, node.endpoint));
    const error = nodeError(node);
    if (error) parts.push(error);
    const rows = [];
    for (const set of node.sets) {
      for (const dest of set.destinations) {
        if (!matchesFilter(dest.customer_id, dest.trunk_id, set.customer_id)) continue;
        rows.push(element("tr", {
          class: "destination", "data-trunk-id": dest.trunk_id, "data-state": dest.state },
          element("td", {}, String(set.id) + (set.kind === "app_servers" ? " (app servers)" : "")),
          element("td", {}, dest.uri),
          element("td", {}, badge(dest.state), dest.probing ? " probing" : ""),
          element("td", {}, dest.trunk_id || ""),
          element("td", {}, dest.customer_id || ""),
          element("td", {}, dest.gateway_name || ""),
          element("td", {}, String(dest.priority)),
          element("td", {}, latencyText(dest.latency))));
      }
    }
    parts.push(table(["set", "destination", "health", "trunk", "customer", "gateway", "priority",
      "OPTIONS latency"], rows));
  }
  document.getElementById("dispatcher").replaceChildren(...parts);
}

function renderRegistrations(registrations) {
  const parts = [];
  for (const node of registrations.nodes) {
    parts.push(element("h3", {}, node.endpoint));
    const error = nodeError(node);
    if (error) parts.push(error);
    const rows = node.registrations
      .filter((reg) => matchesFilter(reg.customer_id, reg.trunk_id))
      .map((reg) => element("tr", { class: "registration", "data-trunk-id": reg.trunk_id },
        element("td", {}, reg.trunk_id),
        element("td", {}, reg.customer_id || ""),
        element("td", {}, reg.aor),
        element("td", {}, reg.registrar),
        element("td", {}, badge(reg.state)),
        element("td", {}, reg.expires_in_s === null ? "" : reg.expires_in_s + " s"),
        element("td", {}, reg.last_error || "")));
    parts.push(table(["trunk", "customer", "AOR", "registrar", "state", "expires in", "last error"],
      rows));
  }
  document.getElementById("registrations").replaceChildren(...parts);
}

function renderDrift(drift) {
  const rows = [];
  for (const node of drift.nodes) {
    for (const [name, t] of Object.entries(node.tables || {})) {
      const rowIds = (list) => list.map((row) => row.trunk_id || "?").join(", ");
      rows.push(element("tr", { class: "drift", "data-table": name },
        element("td", {}, node.endpoint),
        element("td", {}, name),
        element("td", {}, String(t.expected_rows)),
        element("td", {}, String(t.loaded_rows)),
        element("td", {}, t.missing.length + (t.missing.length ? ": " + rowIds(t.missing) : "")),
        element("td", {}, t.extra.length + (t.extra.length ? ": " + rowIds(t.extra) : "")),
        element("td", {}, t.differing.length + (t.differing.length ? ": " + rowIds(t.differing) : ""))));
    }
  }
  document.getElementById("drift").replaceChildren(
    element("p", {}, "drift rows in all: " + drift.drift_rows),
    table(["node", "table", "in Redis", "loaded", "missing", "extra", "differing"], rows));
}

async function refresh() {
  if (!adminKey()) {
    setStatus("Enter an admin key.", false);
    return;
  }
  try {
    const [dispatcher, registrations, drift] = await Promise.all([
      getJson("/v1/noc/dispatcher"), getJson("/v1/noc/registrations"), getJson("/v1/noc/drift")]);
    renderNodes(drift);
    renderDispatcher(dispatcher);
    renderRegistrations(registrations);
    renderDrift(drift);
    setStatus("updated " + new Date().toLocaleTimeString(), false);
  } catch (error) {
    setStatus(error.message, true);
  }
}

function scheduleRefresh() {
  clearInterval(refreshTimer);
  if (document.getElementById("auto-refresh").checked) refreshTimer = setInterval(refresh, REFRESH_MS);
}

document.getElementById("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("key");
  sessionStorage.setItem(KEY_STORAGE, input.value.trim());
  input.value = "";
  refresh();
});
document.getElementById("forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  setStatus("Key forgotten. Enter an admin key.", false);
});
document.getElementById("filter").addEventListener("input", refresh);
document.getElementById("refresh").addEventListener("click", refresh);
document.getElementById("auto-refresh").addEventListener("change", scheduleRefresh);

takeKeyFromFragment();
scheduleRefresh();
refresh();
