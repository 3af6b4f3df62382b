// The trainer inbox: keyboard shortcuts for fast labelling, and the service span chosen by selecting words.
(function () {
  "use strict";
  const groups = Array.from(document.querySelectorAll("form.trainer-group"));
  let current = 0;

  function focusGroup(index) {
    if (!groups.length) return;
    current = Math.max(0, Math.min(groups.length - 1, index));
    groups.forEach((g, i) => g.classList.toggle("current", i === current));
    groups[current].focus({ preventScroll: true });
    groups[current].scrollIntoView({ block: "nearest" });
  }

  function submitAs(form, kind) {
    const button = form.querySelector(`button[name="kind"][value="${kind}"]`);
    if (button) form.requestSubmit(button);
  }

  // Selecting words in a message sets the span (offsets in the message's text) for the service entity.
  document.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const quote = range.commonAncestorContainer.parentElement?.closest("q.selectable")
      || (range.commonAncestorContainer.closest && range.commonAncestorContainer.closest("q.selectable"));
    if (!quote) return;
    const before = document.createRange();
    before.selectNodeContents(quote);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    const end = start + range.toString().length;
    const form = quote.closest("form");
    if (!form.querySelector(".span-start")) return;
    form.querySelector(".span-start").value = start;
    form.querySelector(".span-end").value = end;
    form.querySelector(".span-shown").textContent = `[${quote.textContent.slice(start, end)}]`;
    focusGroup(groups.indexOf(form));
  });

  groups.forEach((form, index) => {
    form.addEventListener("click", () => { current = index; });
    form.querySelectorAll("button.pick").forEach((button) => {
      button.addEventListener("click", () => {
        form.querySelector("select.intent").value = button.dataset.intent;
      });
    });
  });

  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "select", "textarea"].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const form = groups[current];
    if (!form) return;
    if (event.key === "j") focusGroup(current + 1);
    else if (event.key === "k") focusGroup(current - 1);
    else if (/^[1-4]$/.test(event.key)) {
      const pick = form.querySelector(`button.pick[data-key="${event.key}"]`);
      if (pick) pick.click();
    } else if (event.key === "i") form.querySelector("select.intent").focus();
    else if (event.key === "s" && form.querySelector("select.service")) form.querySelector("select.service").focus();
    else if (event.key === "Enter") submitAs(form, "intent");
    else if (event.key === "o") submitAs(form, "out_of_scope");
    else if (event.key === "n") submitAs(form, "new_service");
    else if (event.key === "c") form.querySelector("a.conversation").click();
    else return;
    event.preventDefault();
  });

  focusGroup(0);
})();
