// Uploads with a progress bar. Without this file the upload form posts as a plain form.
(function () {
  "use strict";

  function showError(form, message) {
    var status = form.querySelector(".upload-status");
    if (!status) return;
    status.textContent = message;
    status.classList.add("error");
  }

  function resetProgress(form) {
    var box = form.querySelector(".upload-progress");
    if (box) box.hidden = true;
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    event.preventDefault();

    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    var max = Number(form.getAttribute("data-max-bytes") || 0);
    if (file && max && file.size > max) {
      showError(form, form.getAttribute("data-too-large"));
      return;
    }

    var box = form.querySelector(".upload-progress");
    var bar = box && box.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".upload-status");
    if (status) { status.textContent = ""; status.classList.remove("error"); }
    if (box) box.hidden = false;
    if (bar) { bar.value = 0; bar.textContent = "0%"; }
    if (button) button.disabled = true;

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    // Asks the server for the htmx answers: HX-Redirect on success, the form fragment on refusal.
    xhr.setRequestHeader("HX-Request", "true");
    xhr.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable || !bar) return;
      bar.value = Math.round((progress.loaded * 100) / progress.total);
      bar.textContent = bar.value + "%";
    });
    xhr.addEventListener("load", function () {
      var target = xhr.getResponseHeader("HX-Redirect");
      if (target) {
        window.location.assign(target);
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = page.getElementById("upload-form");
      if (fresh) {
        form.replaceWith(fresh);
        var alert = fresh.querySelector(".form-error, .field-error");
        if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
        return;
      }
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
        return;
      }
      resetProgress(form);
      showError(form, form.getAttribute("data-failed"));
    });
    xhr.addEventListener("error", function () {
      resetProgress(form);
      showError(form, form.getAttribute("data-failed"));
    });
    xhr.send(new FormData(form));
  });
})();
