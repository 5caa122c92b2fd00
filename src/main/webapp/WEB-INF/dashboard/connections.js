// The connection table (filters, paging), the close dialog (code, reason, confirmation) and the
// detail view of one connection.

import { DASH, duration, ms, num } from "./figures.js";
import { Series, drawChart } from "./charts.js";

export const PAGE_SIZE = 50;
const $ = (id) => document.getElementById(id);
const DETAIL_WINDOW_MS = 5 * 60 * 1000;

function cell(tr, text, className, title) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) { td.className = className; }
  if (title) { td.title = title; }
  tr.appendChild(td);
  return td;
}

function ago(iso, now) {
  const t = Date.parse(iso);
  return isNaN(t) ? DASH : duration(Math.max(0, now - t));
}

export function createConnections(api, poll, report) {
  let offset = 0;
  let closing = null;
  let detail = null;
  const rtt = new Series(DETAIL_WINDOW_MS);

  $("filters").addEventListener("submit", (e) => e.preventDefault());
  let typing = null;
  $("filterUser").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { offset = 0; poll(); }, 300);
  });
  $("filterState").addEventListener("change", () => { offset = 0; poll(); });
  $("prevPage").addEventListener("click", () => { offset = Math.max(0, offset - PAGE_SIZE); poll(); });
  $("nextPage").addEventListener("click", () => { offset += PAGE_SIZE; poll(); });

  // --- close, with code, reason and confirmation ---
  const dialog = $("closeDialog");
  function askToClose(id, user) {
    closing = id;
    $("closeTarget").textContent = id + (user ? " (user " + user + ")" : "");
    $("closeError").textContent = "";
    $("closeConfirm").disabled = false;
    dialog.showModal();
  }
  $("closeForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!e.submitter || e.submitter.value !== "confirm") {
      dialog.close();
      return;
    }
    const reason = $("closeReason").value.trim();
    if (new TextEncoder().encode(reason).length > 123) {
      $("closeError").textContent = "The reason is longer than 123 bytes.";
      return;
    }
    $("closeConfirm").disabled = true;
    try {
      await api.del("/connections/" + encodeURIComponent(closing) + "?code=" + encodeURIComponent($("closeCode").value)
        + "&reason=" + encodeURIComponent(reason));
      dialog.close();
      report("Closed " + closing + " with " + $("closeCode").value + (reason ? " \"" + reason + "\"" : "") + ".");
      poll();
    } catch (err) {
      $("closeError").textContent = err.status === 404 ? "That connection has already gone." : err.message;
      $("closeConfirm").disabled = false;
    }
  });

  // --- detail view ---
  const detailDialog = $("detailDialog");
  function openDetail(id) {
    detail = id;
    rtt.clear();
    $("detailId").textContent = id;
    $("detailFields").textContent = "";
    $("detailChannels").textContent = "";
    $("detailError").textContent = "";
    detailDialog.showModal();
    refreshDetail();
  }
  $("detailDismiss").addEventListener("click", () => detailDialog.close());
  detailDialog.addEventListener("close", () => { detail = null; });
  $("detailClose").addEventListener("click", () => {
    const id = detail;
    detailDialog.close();
    askToClose(id, null);
  });

  async function refreshDetail() {
    if (!detail) { return; }
    const id = detail;
    try {
      const c = (await api.get("/connections/" + encodeURIComponent(id))).json;
      if (detail !== id) { return; }
      const now = Date.now();
      const fields = [
        ["User", c.userId || DASH], ["State", c.state], ["IP", c.ip], ["User agent", c.userAgent || DASH],
        ["Connected", new Date(c.connectedAt).toLocaleString() + " (" + ago(c.connectedAt, now) + " ago)"],
        ["Last seen", ago(c.lastSeenAt, now) + " ago"], ["Queued messages", num(c.queued)],
        ["Messages in / out", num(c.messagesIn) + " / " + num(c.messagesOut)],
        ["Bytes in / out", num(c.bytesIn) + " / " + num(c.bytesOut)],
        ["Round trip last / smoothed", ms(c.lastRttMs) + " / " + ms(c.rttMs) + " ms"],
        ["Missed pongs in a row", num(c.missedPongs)],
        ["Clock offset", c.clockOffsetMs == null ? DASH + " (no time sync)" : ms(c.clockOffsetMs) + " ms"]];
      const dl = $("detailFields");
      dl.textContent = "";
      fields.forEach(([k, v]) => {
        const dt = document.createElement("dt");
        const dd = document.createElement("dd");
        dt.textContent = k; dd.textContent = v; dd.dataset.key = k;
        dl.append(dt, dd);
      });
      const ul = $("detailChannels");
      ul.textContent = "";
      ((c.channels || []).length ? c.channels.slice().sort() : [null]).forEach((ch) => {
        const li = document.createElement("li");
        li.textContent = ch === null ? "Not subscribed to any channel." : ch;
        if (ch === null) { li.className = "empty"; }
        ul.appendChild(li);
      });
      if (c.lastRttMs != null) { rtt.add(now, c.lastRttMs); }
      drawChart($("detailRttChart"), [rtt], { unit: "ms", windowMs: DETAIL_WINDOW_MS, now, floor: 1 });
    } catch (err) {
      if (detail === id) {
        $("detailError").textContent = err.status === 404 ? "This connection has closed." : err.message;
        rtt.gap(Date.now());
      }
    }
  }

  /** The query of the list call for the current filters and page. */
  function query() {
    const user = $("filterUser").value.trim();
    const state = $("filterState").value;
    return "/connections?limit=" + PAGE_SIZE + "&offset=" + offset
      + (user ? "&user=" + encodeURIComponent(user) : "") + (state ? "&state=" + state : "");
  }

  function render(list, total) {
    if (list.length === 0 && total > 0 && offset > 0) {
      offset = Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE; // the page emptied: go to the last one
      poll();
      return;
    }
    const now = Date.now();
    const body = $("connections");
    body.textContent = "";
    list.forEach((c) => {
      const tr = document.createElement("tr");
      tr.dataset.id = c.id;
      const idCell = cell(tr, "", "mono");
      const open = document.createElement("button");
      open.type = "button"; open.className = "link detail"; open.textContent = c.id.slice(0, 8) + "…"; open.title = c.id;
      open.addEventListener("click", () => openDetail(c.id));
      idCell.appendChild(open);
      cell(tr, c.userId || DASH);
      cell(tr, c.ip);
      cell(tr, c.state.toLowerCase(), "conn-state " + c.state.toLowerCase());
      cell(tr, ago(c.connectedAt, now));
      cell(tr, ago(c.lastSeenAt, now) + " ago");
      cell(tr, (c.channels || []).length ? c.channels.slice().sort().join(", ") : DASH, "channels");
      cell(tr, num(c.queued), "num queued");
      cell(tr, num(c.messagesIn) + " / " + num(c.messagesOut), "num");
      cell(tr, ms(c.rttMs), "num");
      cell(tr, num(c.missedPongs), "num" + (c.missedPongs > 0 ? " warn" : ""));
      cell(tr, c.userAgent || DASH, "agent", c.userAgent || "");
      const td = cell(tr, "");
      const button = document.createElement("button");
      button.type = "button"; button.className = "close danger"; button.textContent = "Close…";
      button.addEventListener("click", () => askToClose(c.id, c.userId));
      td.appendChild(button);
      [...tr.children].forEach((td2, i) => { td2.dataset.label = $("connectionTable").tHead.rows[0].cells[i].textContent; });
      body.appendChild(tr);
    });
    const filtered = $("filterUser").value.trim() || $("filterState").value;
    $("connectionTable").hidden = list.length === 0;
    $("connectionsEmpty").hidden = list.length > 0;
    $("connectionsEmpty").textContent = filtered ? "No connection matches these filters." : "No connections: nobody is connected to this node.";
    const first = list.length ? offset + 1 : 0;
    $("pageInfo").textContent = list.length ? first + "–" + (offset + list.length) + " of " + num(total) : "0 of " + num(total);
    $("shown").textContent = "(" + num(total) + (filtered ? " matching" : "") + ", oldest first)";
    $("prevPage").disabled = offset === 0;
    $("nextPage").disabled = offset + list.length >= total;
  }

  function clear(message) {
    $("connections").textContent = "";
    $("connectionTable").hidden = true;
    $("connectionsEmpty").hidden = false;
    $("connectionsEmpty").textContent = message;
    $("pageInfo").textContent = DASH;
    $("shown").textContent = "";
    $("prevPage").disabled = true;
    $("nextPage").disabled = true;
    if (detail) {
      $("detailError").textContent = message;
      rtt.gap(Date.now());
    }
  }

  return { query, render, clear, refreshDetail };
}
