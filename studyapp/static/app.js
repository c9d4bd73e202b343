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

// Quizzes: focus the verdict after an answer (else the first field); number keys pick options.
whenParsed(() => {
  const feedback = document.getElementById("feedback");
  const form = document.querySelector(".answer-form");
  if (feedback && !document.querySelector("main [aria-invalid=true]")) {
    feedback.focus({ preventScroll: false });
  } else if (form && !form.querySelector("[aria-invalid=true]")) {
    const first = form.querySelector("input[type=text], input[type=radio], select");
    if (first) first.focus();
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
  const undo = document.getElementById("undo");
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
