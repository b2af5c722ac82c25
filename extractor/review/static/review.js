// Keyboard shortcuts and scrolling for the review page. Loaded as a file: the CSP allows no
// inline script, so report text can never run as code here.
"use strict";
(() => {
  const typing = (el) => el && ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  const follow = (id) => {
    const a = document.getElementById(id);
    if (a && a.href) window.location.href = a.href;
  };
  const click = (id) => {
    const b = document.getElementById(id);
    if (b) b.click();
  };
  const focus = (id) => {
    const el = document.getElementById(id);
    if (el) { el.focus(); if (el.select) el.select(); }
  };

  function flagKeys(e) {
    const el = document.activeElement;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      if (el && el.id === "note") { e.preventDefault(); click("btn-source"); }
      else if (el && el.id === "value") { e.preventDefault(); click("btn-correct"); }
      return;
    }
    if (typing(el)) {
      if (e.key === "Escape") el.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const act = { a: () => click("btn-accept"), c: () => focus("value"), s: () => focus("note"),
                  j: () => follow("next"), k: () => follow("prev"), q: () => follow("queue") };
    if (act[e.key]) { e.preventDefault(); act[e.key](); }
  }

  function queueKeys(e) {
    if (typing(document.activeElement) || e.ctrlKey || e.metaKey || e.altKey) return;
    const links = [...document.querySelectorAll("a.flag-link")];
    if (!links.length || !["j", "k"].includes(e.key)) return;
    e.preventDefault();
    const i = links.indexOf(document.activeElement);
    const next = e.key === "j" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const page = document.body.dataset.page;
    // Scroll the text pane only (not the window), so the flag and its form stay in view.
    const ev = document.getElementById("evidence");
    const pane = document.getElementById("text");
    if (ev && pane) pane.scrollTop = Math.max(0, ev.offsetTop - pane.clientHeight / 2);
    const field = document.getElementById("field");
    if (field) {
      field.addEventListener("change", () => {
        const url = new URL(window.location.href);
        url.searchParams.set("field", field.value);
        window.location.href = url.toString();
      });
    }
    if (page === "flag") document.addEventListener("keydown", flagKeys);
    if (page === "queue") document.addEventListener("keydown", queueKeys);
  });
})();
