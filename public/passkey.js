// Passkeys need JavaScript (the WebAuthn API has no HTML form): this shows the passkey forms and runs
// the ceremony with @simplewebauthn/browser (webauthn.umd.min.js), then posts its answer as a field.
(() => {
  const api = window.SimpleWebAuthnBrowser;
  for (const form of document.querySelectorAll("form[data-passkey-options]")) {
    if (!api || !api.browserSupportsWebAuthn()) continue;
    form.hidden = false;
    const error = form.querySelector("[data-passkey-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const options = JSON.parse(form.dataset.passkeyOptions);
      const button = event.submitter || form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const answer = form.dataset.passkeyMode === "register" ? await api.startRegistration({ optionsJSON: options }) : await api.startAuthentication({ optionsJSON: options });
        form.querySelector("input[name=response]").value = JSON.stringify(answer);
        form.submit();
      } catch {
        error.textContent = error.dataset.message;
        error.hidden = false;
        button.disabled = false;
      }
    });
  }
  for (const note of document.querySelectorAll("[data-passkey-needs-js]")) if (api && api.browserSupportsWebAuthn()) note.hidden = true;
})();
