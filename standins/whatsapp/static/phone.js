// The phone page: a citizen's side of a WhatsApp chat with the bot, driven by the stand-in's control API.
"use strict";

const $ = (id) => document.getElementById(id);
const DEVANAGARI = /[\u0900-\u097F]/;
const state = { rev: 0, messages: new Map(), poll: 0 };

// Inline icons: the machine has no emoji font, and the page may load nothing from outside.
const ICONS = {
  doc: '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="#e5534b" d="M6 2h8l5 5v15H6z"/><path fill="#fff" d="M14 2v5h5" opacity=".6"/><text x="8" y="18" font-size="6" fill="#fff" font-family="sans-serif">DOC</text></svg>',
  pin: '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="#d93025" d="M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"/></svg>',
};

function icon(name) {
  const node = document.createElement("span");
  node.className = "icon";
  node.innerHTML = ICONS[name];
  return node;
}

function lang(text) {
  return DEVANAGARI.test(text || "") ? "hi" : "en";
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) {
    node.textContent = text;
    node.lang = lang(text);
  }
  return node;
}

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// WhatsApp's *bold*, _italic_ and ~strike~, applied after escaping so bot text can never inject HTML.
// URLs become links (payment links arrive as text); they are cut out first, so quotes or a closing full
// stop stay outside the link and underscores in a URL are not read as italics.
function formatted(tag, className, text) {
  const node = el(tag, className);
  const links = [];
  const marked = (text || "").replace(/https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/g, (url) => {
    links.push(url);
    return `\u0000${links.length - 1}\u0001`;
  });
  node.innerHTML = escapeHtml(marked)
    .replace(/\*([^*\n]+)\*/g, "<b>$1</b>")
    .replace(/(^|\s)_([^_\n]+)_/g, "$1<i>$2</i>")
    .replace(/~([^~\n]+)~/g, "<s>$1</s>")
    .replace(/\u0000(\d+)\u0001/g, (_, index) => {
      const url = escapeHtml(links[Number(index)]);
      return `<a href="${url}" target="_blank" rel="noopener">${url}</a>`;
    });
  node.lang = lang(text);
  return node;
}

function citizen() {
  return $("mobile").value.replace(/\D/g, "");
}

function number() {
  return $("number").value;
}

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
}

async function post(path, body) {
  const options = body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    notice(`Not sent: ${answer.error || response.status}`);
  } else if (answer.webhook_status !== 200) {
    notice(`The bot answered the webhook with HTTP ${answer.webhook_status}${answer.webhook_error ? ` (${answer.webhook_error})` : ""}. Is it running?`);
  } else {
    notice("");
  }
  return answer;
}

function sendInbound(fields) {
  if (citizen().length < 8) {
    notice("Enter a mobile number of at least 8 digits first.");
    return Promise.resolve();
  }
  return post("/_standin/inbound", {
    from: citizen(), phone_number_id: number(), profile_name: $("name").value || "Citizen", ...fields,
  });
}

function ticks(status) {
  const node = el("span", "ticks");
  const marks = { accepted: "", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "! failed" };
  node.textContent = marks[status] || "";
  node.classList.toggle("read", status === "read");
  node.classList.toggle("failed", status === "failed");
  node.dataset.status = status;
  node.title = status;
  return node;
}

function meta(message) {
  const node = el("span", "meta");
  const at = new Date(message.at * 1000);
  node.append(at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  node.append(ticks(message.status));
  return node;
}

function mediaUrl(media) {
  return media.id ? `/_standin/media/${encodeURIComponent(media.id)}` : media.link;
}

function imageNode(media) {
  const img = document.createElement("img");
  img.src = mediaUrl(media);
  img.alt = media.caption || "image";
  return img;
}

function documentNode(media, mime) {
  const link = el("a", "doc");
  link.href = mediaUrl(media);
  link.target = "_blank";
  link.rel = "noopener";
  if (media.filename) link.download = media.filename;
  link.append(icon("doc"));
  link.append(el("span", "", media.filename || (mime === "application/pdf" ? "document.pdf" : "document")));
  return link;
}

function choiceButton(title, onTap) {
  const button = el("button", "choice", title);
  button.type = "button";
  button.addEventListener("click", onTap);
  return button;
}

function interactiveHeader(bubble, header) {
  if (!header) return;
  if (header.type === "text") bubble.append(el("div", "header", header.text));
  else if (header.type === "image") bubble.append(imageNode(header.image));
  else if (header.type === "document") bubble.append(documentNode(header.document));
}

function openList(interactive) {
  $("sheet-title").textContent = interactive.action.button;
  $("sheet-title").lang = lang(interactive.action.button);
  const body = $("sheet-body");
  body.replaceChildren();
  for (const section of interactive.action.sections) {
    if (section.title) body.append(el("div", "section-title", section.title));
    for (const row of section.rows) {
      const button = el("button", "list-row");
      button.type = "button";
      button.append(el("span", "", row.title));
      if (row.description) button.append(el("span", "desc", row.description));
      button.addEventListener("click", () => {
        $("sheet").hidden = true;
        sendInbound({ type: "list_reply", id: row.id, title: row.title, description: row.description });
      });
      body.append(button);
    }
  }
  $("sheet").hidden = false;
}

function rupees(money) {
  return `₹${(money.value / money.offset).toFixed(2)}`;
}

function orderLines(p) {
  const lines = p.order.items.map((item) => `${item.name}${item.quantity > 1 ? ` × ${item.quantity}` : ""}: ${rupees(item.amount)}`);
  if (p.order.discount) lines.push(`${p.order.discount.description || "Discount"}: −${rupees(p.order.discount)}`);
  return lines;
}

// WhatsApp's own checkout, played here: paying posts Meta's signed payment status to the bot.
function openCheckout(p, phoneNumberId) {
  $("sheet-title").textContent = "Review and pay";
  $("sheet-title").lang = "en";
  const body = $("sheet-body");
  body.replaceChildren();
  for (const line of orderLines(p)) body.append(el("div", "checkout-line", line));
  body.append(el("div", "checkout-line total", `Total ${rupees(p.total_amount)} · ${p.reference_id}`));
  const configuration = p.payment_settings[0].payment_gateway.configuration_name;
  const pay = async (outcome) => {
    $("sheet").hidden = true;
    const answer = await post(`/_standin/payments/${encodeURIComponent(p.reference_id)}/pay`, {
      outcome, method: "upi", phone_number_id: phoneNumberId, configuration_name: configuration,
    });
    if (answer && answer.status && answer.webhook_status === 200) notice(`Payment ${answer.status} (${answer.transaction_id})`);
  };
  for (const [title, outcome] of [[`Pay ${rupees(p.total_amount)} (UPI)`, "success"], ["Fail the payment", "failed"]]) {
    const button = el("button", "list-row", title);
    button.type = "button";
    button.addEventListener("click", () => pay(outcome));
    body.append(button);
  }
  $("sheet").hidden = false;
}

function renderOutbound(message, row) {
  const body = message.body;
  const bubble = el("div", "bubble");
  const choices = el("div", "choices");
  if (body.type === "text") {
    bubble.append(formatted("span", "", body.text.body));
  } else if (body.type === "image") {
    bubble.append(imageNode(body.image));
    if (body.image.caption) bubble.append(formatted("span", "", body.image.caption));
  } else if (body.type === "document") {
    bubble.append(documentNode(body.document, ""));
    if (body.document.caption) bubble.append(formatted("div", "", body.document.caption));
  } else if (body.type === "template") {
    const rendered = message.rendered || { text: body.template.name, buttons: [] };
    bubble.append(formatted("span", "", rendered.text));
    const payloads = (body.template.components || []).filter((c) => c.type === "button");
    rendered.buttons.forEach((title, index) => {
      const given = payloads.find((c) => String(c.index) === String(index));
      const payload = given && given.parameters && given.parameters[0] ? given.parameters[0].payload : title;
      choices.append(choiceButton(title, () => sendInbound({ type: "button", payload, text: title })));
    });
  } else if (body.type === "interactive") {
    const interactive = body.interactive;
    interactiveHeader(bubble, interactive.header);
    if (interactive.body) bubble.append(formatted("div", "", interactive.body.text));
    if (interactive.footer) bubble.append(el("div", "footer", interactive.footer.text));
    if (interactive.type === "button") {
      for (const button of interactive.action.buttons) {
        const reply = button.reply;
        choices.append(choiceButton(reply.title, () => sendInbound({ type: "button_reply", id: reply.id, title: reply.title })));
      }
    } else if (interactive.type === "list") {
      choices.append(choiceButton(`☰ ${interactive.action.button}`, () => openList(interactive)));
    } else if (interactive.type === "order_details") {
      const p = interactive.action.parameters;
      for (const line of orderLines(p)) bubble.append(el("div", "footer", line));
      bubble.append(el("div", "total", `Total ${rupees(p.total_amount)}`));
      choices.append(choiceButton("Review and pay", () => openCheckout(p, message.phone_number_id)));
    } else if (interactive.type === "cta_url") {
      const link = el("a", "choice", interactive.action.parameters.display_text);
      link.href = interactive.action.parameters.url;
      link.target = "_blank";
      choices.append(link);
    } else if (interactive.type === "location_request_message") {
      choices.append(choiceButton("Send location / स्थान भेजें", () => sendInbound({
        type: "location", latitude: 28.6139, longitude: 77.209, name: "Connaught Place", address: "New Delhi",
      })));
    }
  } else if (body.type === "location") {
    bubble.append(icon("pin"), el("span", "", `${body.location.name || ""} ${body.location.latitude}, ${body.location.longitude}`));
  } else {
    bubble.append(el("span", "", `[${body.type} message]`));
  }
  bubble.append(meta(message));
  row.append(bubble);
  if (choices.childElementCount) row.append(choices);
}

function renderInbound(message, row) {
  const m = message.body;
  const bubble = el("div", "bubble");
  if (m.type === "text") bubble.append(formatted("span", "", m.text.body));
  else if (m.type === "interactive") bubble.append(el("span", "", (m.interactive.button_reply || m.interactive.list_reply).title));
  else if (m.type === "button") bubble.append(el("span", "", m.button.text));
  else if (m.type === "image") {
    bubble.append(imageNode(m.image));
    if (m.image.caption) bubble.append(el("span", "", m.image.caption));
  } else if (["document", "audio", "video", "sticker"].includes(m.type)) {
    bubble.append(documentNode(m[m.type], m[m.type].mime_type));
    if (m[m.type].caption) bubble.append(el("div", "", m[m.type].caption));
  } else if (m.type === "location") bubble.append(icon("pin"), el("span", "", m.location.name || "Location"));
  else bubble.append(el("span", "", `[${m.type}]`));
  bubble.append(meta(message));
  row.append(bubble);
}

function render() {
  const chat = $("chat");
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 60;
  const mine = [...state.messages.values()].filter((m) => m.phone_number_id === number()).sort((a, b) => a.seq - b.seq);
  chat.replaceChildren();
  mine.forEach((message) => {
    const row = el("li", `row ${message.direction}`);
    row.dataset.wamid = message.wamid;
    if (message.direction === "out") renderOutbound(message, row);
    else renderInbound(message, row);
    chat.append(row);
  });
  const last = mine[mine.length - 1];
  const typing = last && last.direction === "in" && last.typing_at && Date.now() / 1000 - last.typing_at < 25;
  $("presence").textContent = typing ? "typing…" : "online";
  if (atBottom || (last && last.direction === "in")) chat.scrollTop = chat.scrollHeight;
}

async function follow(generation) {
  while (generation === state.poll) {
    try {
      const url = `/_standin/conversations/${encodeURIComponent(citizen())}?changed_after=${state.rev}&wait=25`;
      const response = await fetch(url);
      const answer = await response.json();
      if (generation !== state.poll) return;
      for (const message of answer.messages) state.messages.set(message.wamid, message);
      state.rev = Math.max(state.rev, answer.rev || 0);
      if (answer.messages.length) render();
    } catch (error) {
      notice("Lost contact with the stand-in; retrying…");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function restart() {
  state.rev = 0;
  state.messages.clear();
  state.poll += 1;
  const option = $("number").selectedOptions[0];
  $("title").textContent = option ? `Seva · ${option.dataset.department}` : "Seva";
  localStorage.setItem("seva-phone", JSON.stringify({ mobile: $("mobile").value, number: number(), name: $("name").value }));
  render();
  if (citizen().length >= 8) follow(state.poll);
}

async function start() {
  const saved = JSON.parse(localStorage.getItem("seva-phone") || "{}");
  const { numbers } = await (await fetch("/_standin/numbers")).json();
  for (const n of numbers) {
    const option = el("option", "", `${n.department} (${n.phone_number_id})`);
    option.value = n.phone_number_id;
    option.dataset.department = n.department;
    $("number").append(option);
  }
  if (saved.number && numbers.some((n) => n.phone_number_id === saved.number)) $("number").value = saved.number;
  if (saved.mobile) $("mobile").value = saved.mobile;
  if (saved.name) $("name").value = saved.name;
  $("number").addEventListener("change", restart);
  $("mobile").addEventListener("change", restart);
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    await sendInbound({ type: "text", text });
  });
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("from", citizen());
    form.append("phone_number_id", number());
    form.append("profile_name", $("name").value || "Citizen");
    if ($("text").value.trim()) form.append("caption", $("text").value.trim());
    form.append("file", file, file.name);
    $("text").value = "";
    $("file").value = "";
    await post("/_standin/inbound/upload", form);
  });
  $("sheet-close").addEventListener("click", () => { $("sheet").hidden = true; });
  // Lets "typing…" lapse when the bot sends nothing more.
  setInterval(() => { if ($("presence").textContent !== "online") render(); }, 5000);
  restart();
}

start();
