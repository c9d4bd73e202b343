// Progressive enhancement only: every page works without this file.
// Loaded with `defer`, so the page is parsed when this runs: the handlers are attached at once (a key pressed
// before DOMContentLoaded is not lost), then <html data-keys-ready="1"> tells tests the keys now work.

// Menus (<details class="menu">): Escape closes the open one and returns to its button; so does a click elsewhere.
function whenParsed(setUp) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
}

whenParsed(() => {
  const menus = [...document.querySelectorAll("details.menu")];
  if (!menus.length) return;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = menus.find((menu) => menu.open);
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
    event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    for (const menu of menus) if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
});

// Forms sent back with errors: start at the first field that needs fixing (its error is read with it).
whenParsed(() => {
  const invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) invalid.focus();
});

// Quizzes: after an answer, focus stays ready for the next one (the next question's first field), and the
// verdict is read out through a live region; on the last verdict, focus the verdict. Number keys pick options.
whenParsed(() => {
  const feedback = document.getElementById("feedback");
  const form = document.querySelector(".answer-form");
  const invalid = document.querySelector("main [aria-invalid=true]");
  const first = form?.querySelector("input[type=text], input[type=radio], select");
  if (!invalid && first) {
    // Focus waits in the next field without scrolling to it: what the learner sees first is the verdict.
    const showVerdict = () => feedback?.scrollIntoView({ block: "start" });
    first.focus({ preventScroll: true });
    showVerdict();
    // The answer's redirect ends in #feedback and the browser focuses that target once the page has loaded:
    // take focus back to the field (unless the learner has moved it), so typing goes on without a Tab.
    window.addEventListener("load", () => setTimeout(() => {
      if (document.activeElement === feedback || document.activeElement === document.body) first.focus({ preventScroll: true });
      showVerdict();
    }), { once: true });
  } else if (!invalid && feedback) feedback.focus({ preventScroll: false });
  const announce = document.getElementById("verdict-announce");
  if (feedback && announce && first && !invalid) {
    // Text put into a live region after load is read out; text that was there at load often is not.
    const says = [feedback.querySelector("h2"), feedback.querySelector(".verdict-feedback"),
                  feedback.querySelector(".verdict-schedule")];
    setTimeout(() => { announce.textContent = says.filter(Boolean).map((e) => e.textContent.trim()).join(". "); }, 250);
  }
  if (!form) return;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLInputElement && target.type === "text") return;
    if (target instanceof HTMLSelectElement) return;
    const radios = form.querySelectorAll("input[type=radio]");
    const n = Number.parseInt(event.key, 10);
    if (radios.length && n >= 1 && n <= radios.length) {
      radios[n - 1].checked = true;
      radios[n - 1].focus();
      event.preventDefault();
    } else if (event.key === "Enter" && form.contains(target) && target instanceof HTMLInputElement && target.type === "radio"
               && form.querySelector("input[type=radio]:checked")) {
      form.requestSubmit();
      event.preventDefault();
    }
  });
});

// Review screen: Space/Enter reveal, 1-4 rate, u undo. The plain forms work without this.
whenParsed(() => {
  const reveal = document.getElementById("reveal");
  // After a suspend or bury, u reverses that (#reverse), not an older rating (#undo).
  const undo = document.getElementById("reverse") || document.getElementById("undo");
  document.getElementById("key-hints")?.removeAttribute("hidden");  // the keys only work with this script
  if (!reveal && !undo) return;
  if (reveal) reveal.querySelector("summary").focus();
  reveal?.addEventListener("toggle", () => {
    if (reveal.open) document.getElementById("card-back")?.focus?.();
  });
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
    if (reveal && !reveal.open && (event.key === " " || event.key === "Enter")) {
      if (target instanceof HTMLElement && target.closest("summary")) return; // the browser toggles it itself
      if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) return;
      reveal.open = true;
      event.preventDefault();
    } else if (reveal && reveal.open && ["1", "2", "3", "4"].includes(event.key)) {
      const button = reveal.querySelector(`button[data-key="${event.key}"]`);
      if (button) { button.click(); event.preventDefault(); }
    } else if (event.key === "u" && undo) {
      undo.click();
      event.preventDefault();
    }
  });
});

whenParsed(() => { document.documentElement.dataset.keysReady = "1"; });
// A calendar that scrolls sideways opens on its latest weeks.
whenParsed(() => { document.querySelectorAll(".chart-frame.latest").forEach((frame) => { frame.scrollLeft = frame.scrollWidth; }); });
// A key pressed means a keyboard is there, even on a touch screen: its hints are worth showing from now on.
document.addEventListener("keydown", () => { document.documentElement.dataset.keyboard = "1"; }, { once: true });

// Settings: while a fit of the learner's parameters runs, its part of the page is fetched again each second and put
// in place (a live region announces the outcome); the rest of the page, unsaved edits and all, stays as it is.
(() => {
  const region = document.getElementById("fit-status");
  if (!region || !region.dataset.poll) return;
  const url = region.dataset.poll;
  const drop = () => region.querySelectorAll("[data-no-script]").forEach((link) => link.remove());
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      const next = response.ok && new DOMParser().parseFromString(await response.text(), "text/html").getElementById("fit-status");
      if (next) {
        region.innerHTML = next.innerHTML;
        drop();
        if (!next.dataset.poll) return;
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(tick, 1000);
  };
  drop();
  setTimeout(tick, 1000);
})();
