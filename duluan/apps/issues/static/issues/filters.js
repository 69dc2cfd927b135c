// The place filter: the suggestion chosen carries "[scheme:code]"; copy it to the hidden field.
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var search = form.querySelector("input[name=place_q]");
  var code = document.getElementById("place-code");
  function sync() {
    var m = /\[((?:pre2025|2025):\d+)\]\s*$/.exec(search.value);
    if (m) { code.value = m[1]; } else if (!search.value.trim()) { code.value = ""; }
  }
  search.addEventListener("change", function () { sync(); if (code.value) { form.requestSubmit(); } });
  search.addEventListener("input", function () { if (/\]\s*$/.test(search.value)) { sync(); } });
  form.addEventListener("submit", sync);
})();
