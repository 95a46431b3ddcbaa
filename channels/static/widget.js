/* Mi Aval web chat widget. Embed with: <script src="https://<gateway>/webchat/widget.js" defer></script>
 * Everything the assistant or the user writes is put on the page with textContent (never innerHTML),
 * links are made from http(s) URLs only.
 * What the host page's storage keeps: in localStorage only the conversation id (forgotten after
 * SESSION_IDLE_DAYS without use, like the server forgets a verified chat) and whether the panel is open;
 * the history (which holds codes, documents, policies) only in sessionStorage, so a reload still shows
 * it and closing the tab forgets it. Signing out (an answer with "signed_out": true) forgets both.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = new URL(script ? script.src : "/webchat/widget.js", window.location.href);
  var GATEWAY = BASE.origin;
  var STORE_SENDER = "miaval.webchat.sender";
  var STORE_HISTORY = "miaval.webchat.history";
  var STORE_OPEN = "miaval.webchat.open";
  var HISTORY_LIMIT = 200;
  /* The API's CHAT_SESSION_IDLE_DAYS default: the browser forgets the id no later than the server does. */
  var SESSION_IDLE_DAYS = 30;
  var DAY_MS = 24 * 60 * 60 * 1000;
  var URL_PATTERN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;
  var WELCOME = "¡Hola! Soy el asistente de Mi Aval. Puedo mostrarte tus pólizas, mandarte un certificado, " +
    "ayudarte a denunciar un siniestro y más. ¿En qué te doy una mano?";

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }
  var LOCAL = storage("localStorage");
  var TAB = storage("sessionStorage");
  function load(store, key, fallback) {
    try { var value = store.getItem(key); return value === null ? fallback : JSON.parse(value); }
    catch (e) { return fallback; }
  }
  function save(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }
  function forget(store, key) {
    try { store.removeItem(key); } catch (e) { /* nothing stored */ }
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function safeUrl(value) {
    try {
      var url = new URL(value, GATEWAY);
      return (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
    } catch (e) { return null; }
  }
  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* Earlier versions kept the history in localStorage: drop it. */
  forget(LOCAL, STORE_HISTORY);
  var history = load(TAB, STORE_HISTORY, []);
  if (!Array.isArray(history)) history = [];

  /* The conversation id and when it was last used; an id idle too long is forgotten. */
  function loadSender() {
    var stored = load(LOCAL, STORE_SENDER, null);
    if (!stored || typeof stored.id !== "string" || typeof stored.usedAt !== "number" ||
        Date.now() - stored.usedAt > SESSION_IDLE_DAYS * DAY_MS) {
      forget(LOCAL, STORE_SENDER);
      return null;
    }
    return stored.id;
  }
  function touchSender() {
    if (sender) save(LOCAL, STORE_SENDER, { id: sender, usedAt: Date.now() });
  }
  var sender = loadSender();

  var host = el("div");
  host.id = "miaval-webchat";
  var root = host.attachShadow({ mode: "open" });
  var style = el("link");
  style.rel = "stylesheet";
  style.href = GATEWAY + "/webchat/static/widget.css";
  root.appendChild(style);

  var launcher = el("button", "launcher", "💬");
  launcher.type = "button";
  launcher.setAttribute("aria-label", "Abrir el chat de Mi Aval");
  var panel = el("section", "panel");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Chat con el asistente de Mi Aval");
  var header = el("header");
  header.appendChild(el("h2", "", "Asistente Mi Aval"));
  var close = el("button", "", "✕");
  close.type = "button";
  close.setAttribute("aria-label", "Cerrar el chat");
  header.appendChild(close);
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var attach = el("button", "icon", "📎");
  attach.type = "button";
  attach.title = "Adjuntar foto o PDF";
  attach.setAttribute("aria-label", "Adjuntar foto o PDF");
  var place = el("button", "icon", "📍");
  place.type = "button";
  place.title = "Compartir mi ubicación";
  place.setAttribute("aria-label", "Compartir mi ubicación");
  var file = el("input");
  file.type = "file";
  file.accept = "image/*,application/pdf";
  file.hidden = true;
  var input = el("input");
  input.type = "text";
  input.placeholder = "Escribí tu mensaje…";
  input.setAttribute("aria-label", "Mensaje");
  input.maxLength = 2000;
  input.autocomplete = "off";
  var send = el("button", "send", "Enviar");
  send.type = "submit";
  form.append(attach, place, file, input, send);
  panel.append(header, log, form);
  root.append(launcher, panel);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.hidden = open && window.matchMedia("(max-width: 480px)").matches;
    save(LOCAL, STORE_OPEN, open);
    if (open) { input.focus(); log.scrollTop = log.scrollHeight; }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });

  /* *Pairs* in bold (WhatsApp's way of marking emphasis), as DOM nodes: never as HTML. */
  function appendEmphasized(parent, text) {
    var last = 0;
    text.replace(/\*([^*\n]+)\*/g, function (match, inner, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(el("strong", "", inner));
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* Text with its http(s) URLs as links; every piece goes in as text, never as HTML. */
  function linkified(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_PATTERN, function (match, _group, offset) {
      appendEmphasized(fragment, text.slice(last, offset));
      var href = safeUrl(match);
      if (href) {
        var link = el("a", "", match);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer nofollow";
        fragment.appendChild(link);
      } else {
        fragment.appendChild(document.createTextNode(match));
      }
      last = offset + match.length;
      return match;
    });
    appendEmphasized(fragment, text.slice(last));
    return fragment;
  }

  function clearQuickReplies() {
    var old = log.querySelectorAll(".quick");
    for (var i = 0; i < old.length; i++) old[i].remove();
  }

  function render(entry, live) {
    var node;
    if (entry.type === "image") {
      var src = safeUrl(entry.url);
      if (!src) return;
      node = el("div", "msg bot");
      var image = el("img");
      image.src = src;
      image.alt = "Imagen enviada por el asistente";
      node.appendChild(image);
    } else if (entry.type === "document") {
      var href = safeUrl(entry.url);
      if (!href) return;
      node = el("div", "msg bot document");
      var link = el("a", "", "📄 " + (entry.filename || "documento.pdf"));
      link.href = href;
      link.setAttribute("download", entry.filename || "documento.pdf");
      link.rel = "noopener";
      node.appendChild(link);
    } else {
      node = el("div", "msg " + (entry.from === "user" ? "user" : "bot") + (entry.notice ? " notice" : ""));
      node.appendChild(linkified(String(entry.text || "")));
    }
    log.appendChild(node);
    if (live && entry.buttons && entry.buttons.length) {
      var quick = el("div", "quick");
      entry.buttons.forEach(function (button) {
        var choice = el("button", "", button.title);
        choice.type = "button";
        choice.addEventListener("click", function () { say(button.title, button.payload); });
        quick.appendChild(choice);
      });
      log.appendChild(quick);
    }
    log.scrollTop = log.scrollHeight;
  }

  function remember(entry) {
    history.push(entry);
    if (history.length > HISTORY_LIMIT) history = history.slice(-HISTORY_LIMIT);
    save(TAB, STORE_HISTORY, history);
  }

  /* Signed out: forget the history and the id; the next message starts a new session. */
  function forgetConversation() {
    history = [];
    sender = null;
    forget(TAB, STORE_HISTORY);
    forget(LOCAL, STORE_SENDER);
    while (log.firstChild) log.removeChild(log.firstChild);
  }

  function show(entry) {
    remember(entry);
    render(entry, true);
  }

  function busy(on) {
    send.disabled = attach.disabled = place.disabled = on;
    var typing = log.querySelector(".typing");
    if (on && !typing) { log.appendChild(el("div", "typing", "Escribiendo…")); log.scrollTop = log.scrollHeight; }
    if (!on && typing) typing.remove();
  }

  function ensureSender() {
    if (sender) return Promise.resolve(sender);
    return fetch(GATEWAY + "/webchat/sessions", { method: "POST" })
      .then(function (response) { if (!response.ok) throw new Error("session"); return response.json(); })
      .then(function (body) { sender = body.sender; touchSender(); return sender; });
  }

  function post(path, makeBody) {
    clearQuickReplies();
    busy(true);
    return ensureSender()
      .then(function (id) { touchSender(); return fetch(GATEWAY + path, makeBody(id)); })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error("status " + response.status);
          return body;
        });
      })
      .then(function (body) {
        busy(false);
        if (body.signed_out === true) forgetConversation();
        (body.messages || []).forEach(function (message) {
          if (message.type === "text") show({ from: "bot", type: "text", text: message.text, buttons: message.buttons || [] });
          else show({ from: "bot", type: message.type, url: message.url, filename: message.filename });
        });
      })
      .catch(function () {
        busy(false);
        show({ from: "bot", type: "text", notice: true, text: "No pude conectarme con el asistente. Probá de nuevo en un ratito." });
      });
  }

  function say(text, payload) {
    show({ from: "user", type: "text", text: text });
    return post("/webchat/messages", function (id) {
      return {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: id, message: payload || text, id: randomId() })
      };
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    say(text);
  });
  attach.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var chosen = file.files && file.files[0];
    file.value = "";
    if (!chosen) return;
    show({ from: "user", type: "text", text: "📎 " + chosen.name });
    post("/webchat/uploads", function (id) {
      var data = new FormData();
      data.append("sender", id);
      data.append("file", chosen, chosen.name);
      return { method: "POST", body: data };
    });
  });
  place.addEventListener("click", function () {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (position) {
      show({ from: "user", type: "text", text: "📍 Ubicación compartida" });
      post("/webchat/locations", function (id) {
        return {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: id, latitude: position.coords.latitude, longitude: position.coords.longitude })
        };
      });
    }, function () {
      show({ from: "bot", type: "text", notice: true, text: "No pude obtener tu ubicación. Podés escribirme la dirección." });
    });
  });

  /* Restore the conversation: quick replies only for the last message, if it was the assistant's. */
  if (history.length === 0) remember({ from: "bot", type: "text", text: WELCOME, buttons: [] });
  history.forEach(function (entry, index) { render(entry, index === history.length - 1 && entry.from === "bot"); });

  function mount() {
    document.body.appendChild(host);
    var open = load(LOCAL, STORE_OPEN, null);
    setOpen(open === null ? (script && script.getAttribute("data-open") === "true") : open);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
