// Counter reception, progressive enhancement only: the page works without JavaScript (a plain GET
// search). Choosing another desk or channel refreshes the list of that desk's procedures at once.
(function () {
  "use strict";
  var form = document.getElementById("counter-start");
  if (!form) { return; }
  var search = form.querySelector("[data-counter-search]");
  if (!search || !form.requestSubmit) { return; }
  form.querySelectorAll("select[name=agency], input[name=channel]").forEach(function (input) {
    input.addEventListener("change", function () { form.requestSubmit(search); });
  });
})();
