// Progressive enhancement only: every page works without this file.
(() => {
  const button = document.querySelector("[data-menu-button]");
  const list = document.querySelector("[data-menu-list]");
  if (!button || !list) return;
  const items = () => Array.from(list.querySelectorAll("a, button"));
  // With JavaScript the account links become a menu behind the user's name (WAI-ARIA menu button pattern).
  button.hidden = false;
  list.hidden = true;
  list.setAttribute("role", "menu");
  list.querySelectorAll("li").forEach((li) => li.setAttribute("role", "none"));
  items().forEach((item) => {
    item.setAttribute("role", "menuitem");
    item.tabIndex = -1;
  });
  const open = (focusIndex) => {
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    const all = items();
    all[(focusIndex + all.length) % all.length]?.focus();
  };
  const close = (returnFocus) => {
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (returnFocus) button.focus();
  };
  button.addEventListener("click", () => (list.hidden ? open(0) : close(false)));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open(0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      open(-1);
    }
  });
  list.addEventListener("keydown", (event) => {
    const all = items();
    const index = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      all[(index + 1) % all.length]?.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      all[(index - 1 + all.length) % all.length]?.focus();
    } else if (event.key === "Home") {
      event.preventDefault();
      all[0]?.focus();
    } else if (event.key === "End") {
      event.preventDefault();
      all[all.length - 1]?.focus();
    } else if (event.key === "Tab") {
      close(false);
    }
  });
  document.addEventListener("click", (event) => {
    if (!list.hidden && !button.contains(event.target) && !list.contains(event.target)) close(false);
  });
})();

// Times in the reader's own time zone: every <time datetime> the server wrote in UTC ("2026-11-29
// 09:00 UTC") is rewritten as "2026-11-29 10:00 CET"; countdowns have their own code below. A time
// with data-zone is already in the zone the reader chose on "Profile", whatever the browser's is.
(() => {
  const format = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  const parts = (date) => Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  document.querySelectorAll("time[datetime]:not([data-countdown-seconds]):not([data-zone])").forEach((el) => {
    const date = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) return;
    const p = parts(date);
    el.textContent = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
  });
})();

// "Time zone" on "Profile": each zone with its offset from UTC now ("Berlin (GMT+1)"), and the
// automatic choice with the zone this browser is in. The server lists the names only (one formatter
// per zone is costly; the page works without the offsets).
(() => {
  const select = document.getElementById("field-time_zone");
  if (!select) return;
  const now = Date.now();
  const offset = (timeZone) => new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" }).formatToParts(now).find((part) => part.type === "timeZoneName")?.value;
  for (const option of select.options) {
    try {
      const extra = option.value === "" ? Intl.DateTimeFormat().resolvedOptions().timeZone : option.value === "UTC" ? null : offset(option.value);
      if (extra) option.textContent = `${option.textContent} (${extra})`;
    } catch {
      // A zone this browser does not know keeps its plain name.
    }
  }
})();

// Countdowns: a code's deadline in the reader's local time with minutes left, and the resend cool-down.
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  // The server says how many seconds are left, so a wrong device clock cannot end a code early.
  document.querySelectorAll("time[data-countdown-seconds]").forEach((el) => {
    const secondsLeft = Number(el.getAttribute("data-countdown-seconds"));
    if (!Number.isFinite(secondsLeft)) return;
    const deadline = Date.now() + secondsLeft * 1000;
    // In the zone chosen on "Profile" when the server named one, else in the browser's; named either way.
    const timeZone = el.getAttribute("data-zone") || undefined;
    const local = new Date(deadline).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone, timeZoneName: "short" });
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      el.textContent = left > 0 ? `${local} (${Math.floor(left / 60)}:${pad(left % 60)} left)` : `${local} (time is up)`;
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  });
  // "Resend code" stays disabled while its cool-down runs; the hint counts the seconds down.
  document.querySelectorAll("[data-seconds-left]").forEach((hint) => {
    let left = Number(hint.getAttribute("data-seconds-left"));
    const button = hint.closest("form")?.querySelector("[data-resend-button]");
    const tick = () => {
      if (left <= 0) {
        hint.textContent = "You can ask for a new code now.";
        if (button) button.disabled = false;
        return;
      }
      hint.textContent = `You can ask for a new code in ${left} second${left === 1 ? "" : "s"}.`;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  });
})();

// Error summary: focus it on load (autofocus does so without this file), and let its links focus the
// field they name with its label in view, as the GOV.UK error summary does.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href^='#']") : null;
    const field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${field.id}"]`) ?? field.closest("fieldset")?.querySelector("legend");
    (label ?? field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

// "Reset Two-Factor": a modal native <dialog>. The server renders it open when it has something to
// say (code sent, wrong code); without JavaScript it is simply part of the page.
(() => {
  const dialog = document.querySelector("[data-reset-dialog]");
  const opener = document.querySelector("[data-reset-opener]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const openerButton = opener?.querySelector("button");
  const showModal = () => {
    if (dialog.open) dialog.close();
    dialog.showModal();
    (dialog.querySelector("[autofocus]") ?? dialog.querySelector("input:not([type=hidden]), button, a"))?.focus();
  };
  if (dialog.hasAttribute("open")) showModal();
  opener?.addEventListener("submit", (event) => {
    event.preventDefault();
    showModal();
  });
  dialog.querySelector("[data-reset-close]")?.addEventListener("click", (event) => {
    event.preventDefault();
    dialog.close();
  });
  // A click on the backdrop reaches the dialog element itself, outside its box: close, as Escape does.
  dialog.addEventListener("click", (event) => {
    if (event.target !== dialog || !dialog.matches(":modal")) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });
  dialog.addEventListener("close", () => {
    if (opener) opener.hidden = false;
    openerButton?.focus();
  });
})();
