/* e-RGIS: the receipt's Print button (without JavaScript the page says how to print). */
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
