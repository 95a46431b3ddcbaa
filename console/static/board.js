// The board's charts (console/templates/board.html): each canvas drawn by Chart.js from the JSON of the numbers
// its table shows. Colours from the console's palette, each with AA contrast on white.
(function () {
  "use strict";
  var palette = ["#0b4f8a", "#a65b00", "#1e6b3a", "#7b2d8e", "#a61b1b", "#38576f"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var round = data.type === "doughnut";
    var datasets = data.datasets.map(function (dataset, index) {
      var colour = round ? data.labels.map(function (_label, i) { return palette[i % palette.length]; })
        : palette[index % palette.length];
      return { label: dataset.label, data: dataset.data, backgroundColor: colour, borderColor: colour,
        fill: false, tension: 0.2 };
    });
    var scales = round ? {} : {
      x: { stacked: data.stacked },
      y: { stacked: data.stacked, beginAtZero: true }
    };
    new Chart(canvas, {
      type: data.type,
      data: { labels: data.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales,
        plugins: { legend: { display: round || datasets.length > 1, position: "bottom" } } }
    });
  });
})();
