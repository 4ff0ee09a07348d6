// custodiet workbench: answer each edit without reloading the page. The page works without
// this script (each form posts and the server renders the page again); with it, a change to
// a blank posts the card's form in the background and swaps in the answer and the messages
// beside the fields, leaving the form (and the keyboard focus) where it is.
//
// Each tab has its own rules: the server names the tab in the page's addresses (?s=ID), and
// this script keeps the id in the tab's sessionStorage, so that the workbench's bare address
// opened again in the same tab comes back to the tab's own rules, not to a fresh copy.
// A browser tab duplicated copies both the address and the sessionStorage: on load, each page
// asks the workbench's other pages (a BroadcastChannel) whether one of them holds its id; a
// page that does answers, and the duplicate asks the server for a copy of those rules under
// an id of its own (/copy).
"use strict";

(function () {
  const KEY = "custodiet-workbench-tab";
  const ASK_MS = 300;  // how long a page waits for another to say it holds its id
  const tab = document.body.dataset.tab;
  const mine = sessionStorage.getItem(KEY);
  if (document.body.hasAttribute("data-fresh") && mine && mine !== tab) {
    // a fresh tab on the server, but this browser tab had one: go back to it (forgetting
    // it first, so a tab the server no longer holds is not asked for twice)
    sessionStorage.removeItem(KEY);
    location.replace("/?s=" + encodeURIComponent(mine) + location.hash);
    return;
  }
  sessionStorage.setItem(KEY, tab);
  claim(tab);
  const timers = new Map();
  let pending = new Map();

  function encode(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  async function answer(form) {
    const index = form.dataset.card;
    const region = document.getElementById("answer-" + index);
    const seq = (pending.get(index) || 0) + 1;
    pending.set(index, seq);
    region.setAttribute("aria-busy", "true");
    try {
      // getAttribute: a rule has a blank called "action", which shadows form.action
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Requested-With": "fetch"},
        body: encode(form),
      });
      if (response.redirected) {  // the server no longer holds this tab: its page, afresh
        location.assign(response.url);
        return;
      }
      const html = await response.text();
      if (pending.get(index) !== seq) return;  // a later edit is on its way
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.getElementById("answer-" + index);
      if (fresh) region.replaceChildren(...fresh.childNodes);
      const heading = doc.getElementById("card-" + index + "-h");
      if (heading) document.getElementById("card-" + index + "-h").replaceChildren(...heading.childNodes);
      doc.querySelectorAll("#card-" + index + " .error").forEach(function (node) {
        const mine = document.getElementById(node.id);
        if (!mine) return;
        mine.textContent = node.textContent;
        mine.hidden = node.hidden;
        const name = node.id.replace("c" + index + "-error-", "");
        const input = document.getElementById("c" + index + "-" + name);
        if (input) {
          if (node.hidden) input.removeAttribute("aria-invalid");
          else input.setAttribute("aria-invalid", "true");
        }
      });
    } finally {
      if (pending.get(index) === seq) region.setAttribute("aria-busy", "false");
    }
  }

  function schedule(form, delay) {
    const index = form.dataset.card;
    clearTimeout(timers.get(index));
    timers.set(index, setTimeout(function () { answer(form); }, delay));
  }

  document.querySelectorAll("form.card-form").forEach(function (form) {
    form.addEventListener("change", function () { schedule(form, 0); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "INPUT" && event.target.type !== "checkbox") schedule(form, 400);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      schedule(form, 0);
    });
  });

  // A page answers for its id once it has kept it (a page still asking answers nobody, so
  // two pages asking at once both keep theirs rather than both leaving).
  function claim(id) {
    if (!("BroadcastChannel" in window)) return;
    const channel = new BroadcastChannel("custodiet-workbench-tabs");
    const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
    let kept = false;
    channel.onmessage = function (event) {
      const m = event.data || {};
      if (m.ask === id && m.nonce !== nonce && kept) {
        channel.postMessage({held: id, nonce: m.nonce});
      } else if (m.held === id && m.nonce === nonce && !kept) {
        kept = true;  // never twice
        channel.close();
        sessionStorage.removeItem(KEY);
        location.replace("/copy?s=" + encodeURIComponent(id) + location.hash);
      }
    };
    channel.postMessage({ask: id, nonce: nonce});
    setTimeout(function () { kept = true; }, ASK_MS);
  }

  const study = document.getElementById("study");
  function poll() {
    if (!study.querySelector("[data-running]")) return;
    fetch("/study?s=" + encodeURIComponent(tab), {headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        study.replaceChildren(...doc.body.childNodes);
        setTimeout(poll, 1000);
      });
  }
  if (study) setTimeout(poll, 1000);
})();
