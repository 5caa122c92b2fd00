// Operations: drain start/cancel with its progress, zombie cleanup, publish and broadcast, and the
// channel list (a click on a channel puts it into the publish form).

import { DASH, duration, num } from "./figures.js";

const $ = (id) => document.getElementById(id);

function show(id, text, ok) {
  const box = $(id);
  box.textContent = text;
  box.className = "result " + (ok ? "ok" : "error");
}

function failure(err) {
  return err.kind === "rejected" ? "The token was rejected." : err.message;
}

/** Asks in the page's own dialog (not window.confirm, which blocks the page); resolves to true on "yes". */
function confirmed(text, yes) {
  const dialog = $("confirmDialog");
  $("confirmText").textContent = text;
  $("confirmYes").textContent = yes;
  return new Promise((resolve) => {
    const form = $("confirmForm");
    function done(e) {
      e.preventDefault();
      form.removeEventListener("submit", done);
      dialog.removeEventListener("cancel", cancel);
      dialog.close();
      resolve(e.submitter && e.submitter.value === "confirm");
    }
    function cancel() {
      form.removeEventListener("submit", done);
      dialog.removeEventListener("cancel", cancel);
      resolve(false);
    }
    form.addEventListener("submit", done);
    dialog.addEventListener("cancel", cancel);
    dialog.showModal();
  });
}

/** The JSON in the data box, or an error message. */
function data() {
  try {
    return { value: JSON.parse($("publishData").value) };
  } catch (e) {
    return { error: "The data is not valid JSON: " + e.message };
  }
}

export function createActions(api, poll) {
  $("drainForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    const reason = $("drainReason").value.trim() || "maintenance";
    if (!await confirmed("Drain this node? New connections are refused and every client is told to reconnect elsewhere.",
      "Start drain")) {
      return;
    }
    try {
      await api.post("/drain?reason=" + encodeURIComponent(reason));
      show("drainResult", "Drain started: \"" + reason + "\".", true);
    } catch (err) {
      show("drainResult", failure(err), false);
    }
    poll();
  });
  $("drainCancel").addEventListener("click", async () => {
    try {
      await api.del("/drain");
      show("drainResult", "Drain cancelled: the node admits connections again.", true);
    } catch (err) {
      show("drainResult", failure(err), false);
    }
    poll();
  });
  $("zombieForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const closed = (await api.post("/zombies/cleanup")).json.closed;
      show("zombieResult", closed.length === 0 ? "No zombie found: nothing was closed."
        : "Closed " + closed.length + " zombie" + (closed.length === 1 ? "" : "s") + ": " + closed.join(", "), true);
    } catch (err) {
      show("zombieResult", failure(err), false);
    }
    poll();
  });
  $("publishForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    const channel = $("publishChannel").value.trim();
    const d = data();
    if (!channel) { show("publishResult", "Name the channel to publish to.", false); return; }
    if (d.error) { show("publishResult", d.error, false); return; }
    try {
      const n = (await api.post("/channels/" + encodeURIComponent(channel) + "/messages", { data: d.value })).json.recipients;
      show("publishResult", "Published to " + channel + ": queued to " + n + " connection" + (n === 1 ? "" : "s") + " on this node.", true);
    } catch (err) {
      show("publishResult", failure(err), false);
    }
  });
  $("broadcastSend").addEventListener("click", async () => {
    const d = data();
    if (d.error) { show("publishResult", d.error, false); return; }
    if (!await confirmed("Send this message to every open connection of this node?", "Broadcast")) { return; }
    try {
      const n = (await api.post("/broadcast", { data: d.value })).json.recipients;
      show("publishResult", "Broadcast: queued to " + n + " connection" + (n === 1 ? "" : "s") + " on this node.", true);
    } catch (err) {
      show("publishResult", failure(err), false);
    }
  });

  /** The drain's state and progress from /api/stats. */
  function renderDrain(drain, active) {
    const phase = drain.phase;
    let text;
    let progress = 0;
    if (phase === "IDLE") {
      text = "Not draining: connections are admitted.";
    } else if (phase === "WAITING") {
      progress = Math.min(1, drain.elapsedMs / Math.max(1, drain.timeoutMs));
      text = "Draining (\"" + drain.reason + "\"): waiting for clients to leave, " + duration(drain.elapsedMs) + " of "
        + duration(drain.timeoutMs) + "; " + num(active) + " of " + num(drain.connectionsAtStart) + " connections left ("
        + num(drain.notified) + " notified).";
    } else if (phase === "CLOSING") {
      progress = 1;
      text = "Draining (\"" + drain.reason + "\"): closing the " + num(active) + " connections left.";
    } else {
      progress = 1;
      text = "Drained (\"" + drain.reason + "\"): new connections are refused until the drain is cancelled.";
    }
    $("drainState").textContent = text;
    $("drainState").dataset.phase = phase;
    $("drainBar").style.width = Math.round(progress * 100) + "%";
    $("drainStart").disabled = phase !== "IDLE";
    $("drainCancel").disabled = phase !== "WAITING" && phase !== "DONE";
  }

  function renderChannels(list, total) {
    const body = $("channels");
    body.textContent = "";
    list.forEach((c) => {
      const tr = document.createElement("tr");
      tr.dataset.channel = c.channel;
      const name = document.createElement("td");
      const pick = document.createElement("button");
      pick.type = "button"; pick.className = "link"; pick.textContent = c.channel;
      pick.title = /[*>]/.test(c.channel) ? "a pattern: publish to a channel it matches" : "publish to this channel";
      pick.addEventListener("click", () => { $("publishChannel").value = c.channel; $("publishChannel").focus(); });
      name.appendChild(pick);
      const n = document.createElement("td");
      n.className = "num"; n.textContent = num(c.subscribers);
      tr.append(name, n);
      body.appendChild(tr);
    });
    $("channelsCount").textContent = total > list.length ? "(" + list.length + " of " + num(total) + ")" : "(" + num(total) + ")";
    $("channelsEmpty").hidden = list.length > 0;
    $("channelsEmpty").textContent = "No connection is subscribed to any channel.";
  }

  function clear(message) {
    $("drainState").textContent = DASH;
    delete $("drainState").dataset.phase;
    $("drainBar").style.width = "0";
    $("channels").textContent = "";
    $("channelsCount").textContent = "";
    $("channelsEmpty").hidden = false;
    $("channelsEmpty").textContent = message;
    ["drainStart", "drainCancel", "zombieRun", "publishSend", "broadcastSend"].forEach((id) => { $(id).disabled = true; });
  }

  function enable() {
    ["zombieRun", "publishSend", "broadcastSend"].forEach((id) => { $(id).disabled = false; });
  }

  return { renderDrain, renderChannels, clear, enable };
}
