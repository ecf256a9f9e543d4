// Tether broker UI: small progressive enhancements. Every page works without this script.
(function () {
  "use strict";

  // Webhook "Test" buttons: POST to the broker's execute endpoint and show the outcome in place.
  document.querySelectorAll("form[data-execute]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var output = form.closest(".webhook").querySelector(".execute-result");
      button.disabled = true;
      output.textContent = "Running…";
      output.className = "execute-result notice";
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/hal+json", "Content-Type": "application/json" },
        body: "{}"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          var text;
          if (!response.ok) {
            var errors = body && body.errors ? Object.values(body.errors).flat().join("; ") : "";
            text = "Could not run the webhook (HTTP " + response.status + ")" + (errors ? ": " + errors : "");
            output.className = "execute-result notice notice-error";
          } else {
            var ok = body.success === true;
            var status = body.response && body.response.status ? " — the target answered " + body.response.status : "";
            var error = body.error && body.error.message ? " (" + body.error.message + ")" : "";
            text = (ok ? "Test delivery succeeded" : "Test delivery failed") + status + error + ". Reload to see it in the deliveries.";
            output.className = "execute-result notice" + (ok ? "" : " notice-error");
          }
          output.textContent = text;
        });
      }).catch(function (error) {
        output.textContent = "Could not reach the broker: " + error;
        output.className = "execute-result notice notice-error";
      }).finally(function () { button.disabled = false; });
    });
  });

  // Can-i-deploy: suggest the chosen pacticipant's versions (read from the broker's HAL API).
  var question = document.querySelector("form[data-versions]");
  if (question) {
    var who = question.querySelector("[name=pacticipant]");
    var list = document.getElementById("cid-versions");
    who.addEventListener("change", function () {
      if (!who.value) { return; }
      fetch(question.dataset.versions + encodeURIComponent(who.value) + "/versions", {
        credentials: "same-origin", headers: { "Accept": "application/hal+json" }
      }).then(function (response) { return response.ok ? response.json() : { _embedded: { versions: [] } }; })
        .then(function (body) {
          list.replaceChildren.apply(list, ((body._embedded || {}).versions || []).map(function (version) {
            var option = document.createElement("option");
            option.value = version.number;
            return option;
          }));
        }).catch(function () { /* suggestions are optional */ });
    });
  }

  // Network graph: highlight a service and its direct integrations (hover, focus or the search box).
  var svg = document.querySelector("svg[data-graph]");
  if (svg) {
    var edges = Array.prototype.slice.call(svg.querySelectorAll(".edge"));
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
    var highlight = function (name) {
      if (!name) { svg.classList.remove("dimmed"); nodes.concat(edges).forEach(function (el) { el.classList.remove("hl"); }); return; }
      var near = {}; near[name] = true;
      edges.forEach(function (edge) {
        var on = edge.dataset.from === name || edge.dataset.to === name;
        edge.classList.toggle("hl", on);
        if (on) { near[edge.dataset.from] = true; near[edge.dataset.to] = true; }
      });
      nodes.forEach(function (node) { node.classList.toggle("hl", !!near[node.dataset.name]); });
      svg.classList.add("dimmed");
    };
    nodes.forEach(function (node) {
      node.addEventListener("mouseenter", function () { highlight(node.dataset.name); });
      node.addEventListener("focus", function () { highlight(node.dataset.name); });
      node.addEventListener("mouseleave", function () { highlight(finder && finder.value); });
      node.addEventListener("blur", function () { highlight(finder && finder.value); });
    });
    var finder = document.querySelector("[data-graph-find]");
    if (finder) {
      finder.addEventListener("input", function () {
        var match = nodes.some(function (n) { return n.dataset.name === finder.value; });
        highlight(match ? finder.value : "");
      });
    }
  }
})();
