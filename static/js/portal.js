// Progressive enhancement only: every form works without JavaScript.
(function () {
  "use strict";
  // A button marked data-once cannot be pressed twice (the server is idempotent anyway).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-once")) {
      if (button.dataset.pressed) { event.preventDefault(); return; }
      button.dataset.pressed = "1";
      button.setAttribute("aria-disabled", "true");
    }
  });
  // After a form error, the error summary takes the focus so that keyboard and screen-reader users
  // hear what went wrong (WCAG 3.3.1, 2.4.3); each of its links moves the focus to its field.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    var closed = summary.closest("details:not([open])");
    if (closed) { closed.open = true; }
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) { return; }
    event.preventDefault();
    var holder = field.closest("details:not([open])");
    if (holder) { holder.open = true; }
    // The field comes into view with its label and error (GOV.UK's error summary does the same).
    (field.closest(".field") || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
  // The dossier page renders only the form of the action opened (issue #17): unfolding another action
  // fetches the page with that action's form (the link inside it, ?hanh-dong=…, is the no-JavaScript
  // path) and puts the form in place. On failure the link stays.
  document.addEventListener("toggle", function (event) {
    var holder = event.target;
    if (!holder.open || !holder.dataset || !holder.dataset.formUrl || holder.dataset.loading) { return; }
    holder.dataset.loading = "1";
    holder.setAttribute("aria-busy", "true");
    fetch(holder.dataset.formUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(holder.id);
        var form = fresh && fresh.querySelector("form");
        var link = holder.querySelector(".action-load");
        if (!form || !link) { throw new Error("no form"); }
        holder.replaceChild(document.importNode(form, true), link);
        delete holder.dataset.formUrl;
      })
      .catch(function () { delete holder.dataset.loading; })
      .then(function () { holder.removeAttribute("aria-busy"); });
  }, true);
  // On small screens the main navigation folds behind a "Menu" button (without JavaScript it stays open).
  var nav = document.querySelector(".site-nav");
  var toggle = nav && nav.querySelector(".nav-toggle");
  if (toggle) {
    toggle.hidden = false;
    nav.classList.add("collapsible");
    // The bell's unread count stays in sight on the folded menu (the bell's link says it to screen readers).
    var unread = nav.querySelector(".nav-bell .badge");
    if (unread) { toggle.appendChild(document.createTextNode(" ")); toggle.appendChild(unread.cloneNode(true)); }
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Upload progress bar: send multipart forms with XHR and show the progress.
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var hasFiles = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) { return i.files.length > 0; });
      if (!hasFiles || !window.FormData) { return; }
      event.preventDefault();
      var bar = form.querySelector("progress");
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      if (bar) { bar.hidden = false; bar.value = 0; }
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        // Follow the server's answer exactly as a normal submission would.
        if (xhr.responseURL && xhr.responseURL !== window.location.href) { window.location.assign(xhr.responseURL); return; }
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(data);
    });
  });
})();
