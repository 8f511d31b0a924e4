// shouhu: small conveniences on top of pages that work without JavaScript.

// Ask before closing a file: it is reversible, but should not happen by a slip of the thumb.
for (const button of document.querySelectorAll("#close-child")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm("确定销档吗？销档后可以恢复。")) event.preventDefault();
  });
}

// After a failed save, bring the first wrong field into view.
const firstError = document.querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea");
if (firstError) firstError.focus();

// The duty desk's queue follows the live stream: a new or changed report is drawn into its
// place (most urgent first, then the oldest) and a handed-over one leaves, without reloading.
// The page itself is complete without this; the labels come from the server (data-labels).
const liveRows = document.querySelector("#report-rows[data-live]");
if (liveRows) liveQueue(liveRows);

function liveQueue(list) {
  const L = JSON.parse(list.dataset.labels || "{}");
  // Count "N 分钟前" from the server's clock, not the phone's.
  const offset = Number(list.dataset.nowMs || Date.now()) - Date.now();
  const empty = document.getElementById("no-reports");

  const ago = (at) => {
    const minutes = Math.max(0, Math.floor((Date.now() + offset - at) / 60000));
    if (minutes < 1) return L.just_now;
    if (minutes < 60) return `${minutes} ${L.minutes_ago}`;
    if (minutes < 2880) return `${Math.floor(minutes / 60)} ${L.hours_ago}`;
    return `${Math.floor(minutes / 1440)} ${L.days_ago}`;
  };
  const tick = () => {
    for (const t of list.querySelectorAll("time.ago")) t.textContent = ago(Date.parse(t.dateTime));
  };
  setInterval(tick, 30000);

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // The same row as the server draws (templates/reports.html).
  const rowOf = (r) => {
    const [urgencyLabel, rank] = L.urgency[r.urgency] || [r.urgency, 9];
    const li = el("li", `row report${r.urgency === "critical" ? " critical" : ""}`);
    li.id = `report-${r.id}`;
    // At most milliseconds, which every Date.parse reads.
    const iso = r.reported_at.replace(/(\.\d{3})\d+/, "$1");
    const at = Date.parse(iso);
    Object.assign(li.dataset, { id: r.id, rank, reported: at, version: r.version });
    li.append(el("span", `tag urgency urgency-${r.urgency}`, urgencyLabel));
    const a = el("a", "name", r.village_name);
    a.href = `/reports/${r.id}`;
    li.append(a);
    if (r.child_name) li.append(el("span", "child", r.child_name));
    li.append(el("span", "situations", r.situations.map((s) => L.situations[s] || s).join("、")));
    li.append(el("span", "step", L.steps[r.step] || r.step));
    const time = el("time", "ago muted", ago(at));
    time.dateTime = iso;
    li.append(time);
    li.append(el("span", "muted mono receipt", r.receipt));
    if (r.late_report) li.append(el("span", "tag warn", L.late_report));
    if (r.late_response) li.append(el("span", "tag warn", L.late_response));
    return li;
  };

  const key = (li) => [Number(li.dataset.rank), Number(li.dataset.reported), Number(li.dataset.id)];
  const before = (a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  };
  const showEmpty = () => {
    if (empty) empty.hidden = list.children.length > 0;
  };

  const upsert = (r) => {
    const old = document.getElementById(`report-${r.id}`);
    // An older state of the report than the one shown (events may cross a re-fetch).
    if (old && Number(old.dataset.version) > r.version) return;
    old?.remove();
    if (r.step !== "handed_over") {
      const li = rowOf(r);
      const k = key(li);
      const next = [...list.children].find((other) => before(k, key(other))) || null;
      list.insertBefore(li, next);
      if (!old) li.classList.add("fresh");
    }
    showEmpty();
  };

  // Fetches the whole queue (at connection, and when events were missed); events that
  // arrive meanwhile are applied after it.
  let pending = null;
  const refetch = async () => {
    if (pending) return;
    pending = [];
    try {
      const res = await fetch("/api/v1/reports?view=queue", { headers: { Accept: "application/json" } });
      if (res.ok) {
        const reports = await res.json();
        list.replaceChildren(...reports.map(rowOf));
      }
    } catch {
      // The next event or reconnection tries again.
    }
    const later = pending;
    pending = null;
    for (const r of later) upsert(r);
    showEmpty();
  };

  const stream = new EventSource("/api/v1/reports/stream");
  stream.addEventListener("open", async () => {
    await refetch();
    list.dataset.liveState = "open";
  });
  stream.addEventListener("error", () => {
    list.dataset.liveState = "reconnecting";
  });
  stream.addEventListener("report", (event) => {
    let r;
    try {
      r = JSON.parse(event.data).report;
    } catch {
      return;
    }
    if (pending) pending.push(r);
    else upsert(r);
  });
  stream.addEventListener("reload", () => refetch());
}

// The to-do badge (issue 19): pages other than the home page do not count the tasks while
// they are built (the city's counts read every open record of Tianjin); the badge is filled
// from the counts once the page is shown, and again by each notification.
function refreshTasks() {
  // The to-do badge and list (issue 19's other half), where this page has them.
  const badge = document.querySelector("[data-task-badge]");
  if (badge) {
    fetch("/api/v1/tasks/counts", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => {
        if (!c) return;
        // The counts' `open` is the badge's number (as the server renders it).
        const total = typeof c.open === "number" ? c.open : 0;
        badge.textContent = String(total);
        badge.hidden = total === 0;
      })
      .catch(() => {});
  }
  for (const part of document.querySelectorAll("[data-live-tasks]")) {
    fetch(part.dataset.liveTasks, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => {
        if (html !== null) part.innerHTML = html;
      })
      .catch(() => {});
  }
}
if (document.querySelector('[data-task-badge="lazy"]')) refreshTasks();

// Notifications (提醒, issue 19): every signed-in page follows the user's stream. A new one
// shows as a toast linking to its page, raises the nav's count, refreshes the to-do badge
// and list where the page has them, and on the police duty desk sounds for a critical
// report (unless turned off on 我的账号). The last id seen is kept for this tab, so that a
// notification committed while the next page loads is still shown (the server resumes
// after it). The texts come from the server.
const notifyUrl = document.body.dataset.notifyStream;
if (notifyUrl && window.EventSource) liveNotifications(notifyUrl);

function liveNotifications(url) {
  const KEY = "shouhu.notify.after";
  const counter = document.querySelector("[data-notify-count]");
  const toasts = document.getElementById("notify-toasts");
  const list = document.querySelector("[data-live-notifications]");
  let sound = false;
  let unread = 0;
  let latest = 0;

  const showCount = () => {
    if (!counter) return;
    counter.textContent = String(unread);
    counter.hidden = unread === 0;
  };

  let audio = null;
  const alarm = () => {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      // Three short high beeps: heard across a duty room, unlike any phone's ring.
      for (let i = 0; i < 3; i++) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        const t = audio.currentTime + i * 0.35;
        osc.start(t);
        osc.stop(t + 0.2);
      }
    } catch {
      // No audio on this device: the toast still shows.
    }
  };

  const toast = (n) => {
    if (!toasts) return;
    const box = document.createElement("div");
    box.className = `toast${n.critical ? " critical" : ""}`;
    box.dataset.id = n.id;
    const a = document.createElement("a");
    a.href = n.link;
    a.textContent = n.text;
    box.append(a);
    toasts.prepend(box);
    while (toasts.children.length > 3) toasts.lastElementChild.remove();
    setTimeout(() => box.remove(), 20000);
  };

  const addToList = (n) => {
    if (!list || list.querySelector(`[data-id="${n.id}"]`)) return;
    const li = document.createElement("li");
    li.className = `row notification unread${n.critical ? " critical" : ""}`;
    li.dataset.id = n.id;
    const a = document.createElement("a");
    a.className = "name";
    a.href = n.link;
    a.textContent = n.text;
    li.append(a);
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = n.kind_label;
    li.append(meta);
    list.prepend(li);
    const empty = document.getElementById("notifications-empty");
    if (empty) empty.hidden = true;
  };

  const saved = sessionStorage.getItem(KEY);
  const stream = new EventSource(saved ? `${url}?after=${encodeURIComponent(saved)}` : url);
  stream.addEventListener("hello", (event) => {
    let h;
    try {
      h = JSON.parse(event.data);
    } catch {
      return;
    }
    sound = Boolean(h.sound);
    unread = Number(h.unread) || 0;
    latest = Number(h.latest) || 0;
    if (!saved) sessionStorage.setItem(KEY, String(h.after));
    document.body.dataset.notifyState = "open";
    showCount();
  });
  stream.addEventListener("error", () => {
    document.body.dataset.notifyState = "reconnecting";
  });
  stream.addEventListener("notification", (event) => {
    let n;
    try {
      n = JSON.parse(event.data);
    } catch {
      return;
    }
    sessionStorage.setItem(KEY, String(n.id));
    // Those resent after a resume are already in the count.
    if (n.id > latest) unread += 1;
    showCount();
    toast(n);
    addToList(n);
    refreshTasks();
    if (n.critical && sound) {
      document.body.dataset.lastAlarm = String(n.id);
      alarm();
    }
  });
}
