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
