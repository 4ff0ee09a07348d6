// custodiet workbench: answer each edit without reloading the page. The page works without
// this script (each form posts and the server renders the page again); with it, a change to
// a blank posts the card's form in the background and swaps in the answer and the messages
// beside the fields, leaving the form (and the keyboard focus) where it is.
"use strict";

(function () {
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

  const study = document.getElementById("study");
  function poll() {
    if (!study.querySelector("[data-running]")) return;
    fetch("/study", {headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        const doc = new DOMParser().parseFromString(html, "text/html");
        study.replaceChildren(...doc.body.childNodes);
        setTimeout(poll, 1000);
      });
  }
  if (study) setTimeout(poll, 1000);
})();
