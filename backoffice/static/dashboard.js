// The live dashboard: draws the tiles from a snapshot, then redraws them from each Server-Sent Event.
(function () {
  const NOT_RECORDED = "not recorded / दर्ज नहीं";
  const METHODS = { upi: "UPI", whatsapp: "WhatsApp Pay", card: "Card / कार्ड", netbanking: "Net banking / नेट बैंकिंग", csc_cash: "CSC cash / नकद" };
  const charts = {};
  const $ = (id) => document.getElementById(id);
  const text = (id, value) => { $(id).textContent = value === null || value === undefined ? NOT_RECORDED : value; };
  const rupees = (paise) => "Rs " + (paise / 100).toLocaleString("en-IN");

  function chart(id, type, labels, datasets) {
    if (!charts[id]) {
      charts[id] = new Chart($(id), { type, data: { labels, datasets },
        options: { animation: false, responsive: true, maintainAspectRatio: false } });
    } else {
      charts[id].data.labels = labels;
      charts[id].data.datasets = datasets;
      charts[id].update();
    }
  }

  function rows(tableId, entries) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren(...entries.map((cells) => {
      const tr = document.createElement("tr");
      cells.forEach((c) => { const td = document.createElement("td"); td.textContent = c; tr.append(td); });
      return tr;
    }));
  }

  function sumSeries(series, key, length) {
    const total = new Array(length).fill(0);
    Object.values(series).forEach((s) => s[key].forEach((v, i) => { total[i] += v; }));
    return total;
  }

  function render(t) {
    const m = t.messages;
    if (m.recorded) {
      text("messages-in", m.total_in);
      text("messages-out", m.total_out);
      chart("messages-chart", "line", m.minutes, [
        { label: "In / आए", data: sumSeries(m.series, "in", m.minutes.length) },
        { label: "Out / भेजे", data: sumSeries(m.series, "out", m.minutes.length) },
      ]);
      rows("messages-numbers", Object.entries(m.last_minute).map(([n, c]) => ["…" + n.slice(-4), c.in, c.out]));
    } else { text("messages-in", null); text("messages-out", null); }
    text("conversations", t.conversations);
    text("handover", t.handover);
    ["on_time", "due_soon", "overdue"].forEach((k) => text("deadline-" + k, t.deadline[k]));
    text("deadline-compensation", rupees(t.deadline.compensation_paise));
    ["status", "service", "department"].forEach((k) => {
      const entries = Object.entries(t.applications[k]);
      chart(k + "-chart", "bar", entries.map((e) => e[0]), [{ label: "Applications / आवेदन", data: entries.map((e) => e[1]) }]);
    });
    const methods = Object.keys(t.fees.month);
    chart("fees-chart", "bar", methods.map((k) => METHODS[k] || k), [
      { label: "Today / आज", data: methods.map((k) => t.fees.today[k] / 100) },
      { label: "This month / इस महीने", data: methods.map((k) => t.fees.month[k] / 100) },
    ]);
    text("ocr-pass", t.ocr.pass_rate === null ? "– (no documents)" : t.ocr.pass_rate + " %");
    text("ocr-back", t.ocr.sent_back === null ? "–" : t.ocr.sent_back + " %");
    if (t.nlu.recorded) {
      text("nlu-rate", t.nlu.rate === null ? "–" : t.nlu.rate + " %");
      text("nlu-turns", "(" + t.nlu.turns + " turns / बातचीत)");
    } else { text("nlu-rate", null); }
    rows("failures", t.failures.recorded ? Object.entries(t.failures.codes) : [[NOT_RECORDED, ""]]);
    rows("queues", t.queues ? Object.entries(t.queues) : [[NOT_RECORDED, ""]]);
  }

  render(JSON.parse($("dashboard-data").textContent));
  const state = $("live-state");
  const source = new EventSource(JSON.parse($("dashboard-config").textContent).stream);
  source.addEventListener("tiles", (event) => {
    render(JSON.parse(event.data));
    state.dataset.state = "live";
    state.textContent = "Live · updated " + new Date().toLocaleTimeString("en-IN") + " · लाइव";
  });
  source.onerror = () => { state.dataset.state = "reconnecting"; state.textContent = "Reconnecting… / फिर से जुड़ रहा है…"; };
})();
