// Keyboard shortcuts for quizzes; everything works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const feedback = document.getElementById("feedback");
  const form = document.querySelector(".answer-form");
  if (feedback) {
    feedback.focus({ preventScroll: false });
  } else if (form) {
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
    } else if (event.key === "Enter" && radios.length && form.querySelector("input[type=radio]:checked")) {
      form.requestSubmit();
      event.preventDefault();
    }
  });
});
