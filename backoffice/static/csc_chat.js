/* The CSC operator's chat with the bot: socket.io-client (vendored) to Rasa's CSC channel.
   Each connection asks the back-office for a fresh short-lived token; a signed-out operator is sent to sign in,
   and the bot's draft is kept by the back-office, so nothing typed so far is lost. */
(function () {
  "use strict";
  const box = document.getElementById("chat");
  if (!box) return;
  const messages = document.getElementById("messages");
  const state = document.getElementById("chat-state");
  const input = document.getElementById("text");
  const scan = document.getElementById("scan");
  const HISTORY_UNAVAILABLE = "The earlier messages could not be shown; the chat goes on. / पिछले संदेश नहीं दिख सके; चैट जारी है।";
  let socket = null; // opened once the earlier messages are drawn
  let pending = null; // a message not yet passed on (offline, or its token had expired): sent on reconnecting
  let lastSent = null;

  function show(text, who) {
    const line = document.createElement("div");
    line.className = "message " + who;
    // WhatsApp-style *bold*; everything else is plain text (never HTML from the bot).
    text.split(/(\*[^*\n]+\*)/).forEach(function (part) {
      if (/^\*[^*\n]+\*$/.test(part)) {
        const b = document.createElement("b");
        b.textContent = part.slice(1, -1);
        line.appendChild(b);
      } else {
        line.appendChild(document.createTextNode(part));
      }
    });
    messages.appendChild(line);
    messages.scrollTop = messages.scrollHeight;
    return line;
  }

  function showBot(text, choices) {
    const line = show(text, "bot");
    if (!choices.length) return;
    const row = document.createElement("div");
    row.className = "choices";
    choices.forEach(function (choice, index) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = (index + 1) + ". " + choice.title;
      button.dataset.payload = choice.payload;
      button.addEventListener("click", function () { send(choice.payload, true, choice.title); });
      row.appendChild(button);
    });
    line.appendChild(row);
  }

  async function token() {
    const answer = await fetch(box.dataset.tokenUrl, {
      method: "POST", headers: { "X-CSRFToken": box.dataset.csrf }, credentials: "same-origin", redirect: "manual",
    });
    if (answer.status !== 200) {
      window.location.reload(); // signed out or timed out: the back-office shows the sign-in page
      throw new Error("no chat token");
    }
    return (await answer.json()).token;
  }

  function send(text, payload, shown) {
    const data = { message: text, payload: payload };
    if (shown) show(shown, "operator");
    if (!socket || !socket.connected) { pending = data; if (socket) socket.connect(); return; }
    lastSent = data;
    socket.emit("user_uttered", data);
  }

  // The conversation so far, which the back-office reads from Rasa: after a reload (or signing in again) the
  // operator sees where the chat was. Drawn before the socket opens, so no reply lands above it.
  async function drawHistory() {
    try {
      const answer = await fetch(box.dataset.historyUrl, { credentials: "same-origin" });
      const past = await answer.json();
      past.messages.forEach(function (line) {
        if (line.who === "bot") showBot(line.text, line.choices);
        else show(line.text, "operator");
      });
      if (past.error) show(past.error, "note");
    } catch (error) {
      show(HISTORY_UNAVAILABLE, "note");
    }
    box.dataset.history = "drawn";
  }

  // The session's applications beside the chat follow what the bot does (a submission shows up to collect).
  let refresh = null;
  function refreshApplications() {
    clearTimeout(refresh);
    refresh = setTimeout(async function () {
      const answer = await fetch(window.location.href, { credentials: "same-origin" });
      if (answer.status !== 200) return;
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const fresh = page.getElementById("applications");
      if (fresh) document.getElementById("applications").replaceWith(fresh);
    }, 800);
  }

  function connect() {
    socket = io(box.dataset.chatUrl, {
      transports: ["websocket"],
      auth: function (cb) { token().then(function (t) { cb({ token: t }); }); },
    });
    socket.on("connect", function () {
      state.textContent = "connected / जुड़ा";
      box.dataset.state = "connected";
      socket.emit("session_request", {});
    });
    socket.on("session_confirm", function () {
      if (pending) { socket.emit("user_uttered", pending); lastSent = pending; pending = null; }
    });
    socket.on("connect_error", function () {
      state.textContent = "not connected / नहीं जुड़ा";
      box.dataset.state = "refused";
      // A refusal by the server (e.g. Rasa still loading its model, or restarted) is not retried by socket.io
      // itself; try again with a fresh token a little later.
      if (!socket.active) setTimeout(function () { socket.connect(); }, 5000);
    });
    socket.on("disconnect", function (reason) {
      state.textContent = "reconnecting…";
      box.dataset.state = "reconnecting";
      if (reason === "io server disconnect") socket.connect();
    });
    // The channel refused the last message with an expired token; the disconnect that follows reconnects with a
    // fresh one and the message goes again.
    socket.on("token_expired", function () { pending = lastSent; });
    socket.on("bot_uttered", function (reply) {
      refreshApplications();
      if (reply.text) showBot(reply.text, reply.quick_replies || []);
    });
  }

  document.getElementById("send").addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, false, text);
  });

  scan.addEventListener("change", async function () {
    const file = scan.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    show("📎 " + file.name, "operator");
    const answer = await fetch(box.dataset.uploadUrl, {
      method: "POST", body: form, headers: { "X-CSRFToken": box.dataset.csrf }, credentials: "same-origin",
    });
    scan.value = "";
    if (answer.status === 201 || answer.status === 422) {
      send((await answer.json()).message, true, null); // the bot says whether the scan was taken
    } else {
      show("The scan could not be sent. / स्कैन नहीं भेजा जा सका।", "bot");
    }
  });

  drawHistory().then(connect);
})();
