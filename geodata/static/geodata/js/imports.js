/* e-RGIS import pages: drag and drop with upload progress, and the import progress bar.
 * Both pages work without this script (plain form; the progress page refreshes itself).
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload]");
  if (form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-drop-zone]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!input.files.length || !window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      var shown = form.querySelector("[data-upload-progress]");
      var bar = shown.querySelector("progress");
      var percent = shown.querySelector("[data-upload-percent]");
      shown.hidden = false;
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var value = Math.round(e.loaded * 100 / e.total);
        bar.value = value;
        percent.textContent = value;
      });
      request.addEventListener("load", function () {
        if (request.status < 400 && request.responseURL && request.responseURL !== window.location.href) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", function () { form.submit(); });
      request.send(new FormData(form));
    });
  }

  var page = document.querySelector("[data-import-job]");
  if (page && ["queued", "running"].indexOf(page.getAttribute("data-status")) >= 0) {
    var url = "/api/imports/" + page.getAttribute("data-import-job");
    var timer = setInterval(function () {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          var p = job.progress;
          page.querySelector("[data-progress-bar]").value = p.percent;
          page.querySelector("[data-progress-percent]").textContent = p.percent;
          page.querySelector("[data-progress-done]").textContent = p.done;
          page.querySelector("[data-progress-total]").textContent = p.total;
          page.querySelector("[data-status-label]").textContent = job.status_label;
          page.querySelector("[data-progress-left]").textContent =
            p.seconds_left === null ? "" : " · " + job.seconds_left_label;
          if (job.status !== "queued" && job.status !== "running") {
            clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { /* a missed poll is retried on the next tick */ });
    }, 1000);
  }
})();
