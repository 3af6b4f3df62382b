// The report's bar chart, drawn by the vendored Chart.js from the JSON the page carries.
(function () {
  const data = document.getElementById("report-data");
  if (!data) return;
  new Chart(document.getElementById("report-chart"), {
    type: "bar",
    data: JSON.parse(data.textContent),
    options: { animation: false, responsive: true, maintainAspectRatio: false },
  });
})();
