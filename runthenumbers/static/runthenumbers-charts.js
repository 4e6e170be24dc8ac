/* Draw every chart of the page with vega-embed, keeping the static SVG until the drawing succeeds. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("figure.rtn-chart").forEach(function (figure) {
    var view = figure.querySelector(".rtn-chart-view");
    var spec = JSON.parse(figure.querySelector("script.rtn-chart-spec").textContent);
    var target = document.createElement("div");
    window
      .vegaEmbed(target, spec, { renderer: "svg", actions: false })
      .then(function () {
        view.replaceChildren(target);
        figure.dataset.rendered = "vega";
      })
      .catch(function (error) {
        figure.dataset.rendered = "fallback";
        console.error("chart " + figure.id + " could not be drawn: " + error);
      });
  });
});
