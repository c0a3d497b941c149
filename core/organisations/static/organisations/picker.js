// The organisation picker (core/organisations/picker.py): as one types into an
// input[data-lookup], ask the lookup for the best matches in the user's scope
// and offer them in a <datalist>. Taking one writes "name（code）", which the
// server resolves; without this script the server resolves whatever was typed.
// A file of our own, not an inline script, so the CSP needs nothing for it.
(function () {
  "use strict";
  var WAIT_MS = 200;

  function offered(list, value) {
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === value) return true;
    }
    return false;
  }

  function enhance(input, n) {
    var list = document.createElement("datalist");
    list.id = (input.id || "organisation-picker-" + n) + "-suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = "";

    function ask(text) {
      asked = text;
      var url = new URL(input.dataset.lookup, window.location.href);
      url.searchParams.set("q", text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (text !== asked) return; // a later text is being looked up
          list.replaceChildren.apply(list, data.results.map(function (org) {
            var option = document.createElement("option");
            option.value = org.value;
            option.label = org.path ? org.name + " · " + org.path : org.name;
            return option;
          }));
        })
        .catch(function () {}); // no suggestions; typing still works
    }

    input.addEventListener("input", function () {
      var text = input.value.trim();
      clearTimeout(timer);
      if (!text || text === asked || offered(list, input.value)) return;
      timer = setTimeout(function () { ask(text); }, WAIT_MS);
    });
  }

  function start() {
    document.querySelectorAll("input[data-lookup]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
