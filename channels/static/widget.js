/* Mi Aval web chat widget. Embed with: <script src="https://<gateway>/webchat/widget.js" defer></script>
 * Everything the assistant or the user writes is put on the page with textContent (never innerHTML),
 * links are made from http(s) URLs only.
 * What the host page's storage keeps: in localStorage only the conversation id (forgotten after
 * SESSION_IDLE_DAYS without use, like the server forgets a verified chat) and whether the panel is open;
 * the history (which holds codes, documents, policies) only in sessionStorage, so a reload still shows
 * it and closing the tab forgets it. Signing out (an answer with "signed_out": true) and the
 * "Borrar conversación" control forget both.
 * Accessibility (WCAG 2.1 AA): icons are inline SVG hidden from screen readers (the buttons keep their
 * labels); Escape closes the panel and Tab stays inside it while it is open; the log is a focusable
 * role="log" whose own announcements are off: only the assistant's messages (and its choices, as one
 * group) are read, through a separate live region.
 * What Aval's staff send (an executive's replies, claim news) is fetched from /webchat/updates every
 * POLL_SECONDS while the panel is open and the page visible, and once on each visit; localStorage keeps
 * the cursor of what this browser already showed. What a person wrote ("from_person") is a bubble of its
 * own (class "staff") with their name over the text, and is read with the name first.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = new URL(script ? script.src : "/webchat/widget.js", window.location.href);
  var GATEWAY = BASE.origin;
  var STORE_SENDER = "miaval.webchat.sender";
  var STORE_HISTORY = "miaval.webchat.history";
  var STORE_OPEN = "miaval.webchat.open";
  var STORE_CURSOR = "miaval.webchat.cursor";
  var POLL_SECONDS = 4;
  var HISTORY_LIMIT = 200;
  /* The API's CHAT_SESSION_IDLE_DAYS default: the browser forgets the id no later than the server does. */
  var SESSION_IDLE_DAYS = 30;
  var DAY_MS = 24 * 60 * 60 * 1000;
  var URL_PATTERN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;
  var PHONE = "(max-width: 480px)";

  /* Every sentence the widget itself shows or says. */
  var COPY = {
    welcome: "¡Hola! Soy el asistente de Mi Aval. Puedo mostrarte tus pólizas, mandarte un certificado, " +
      "ayudarte a denunciar un siniestro y más. ¿En qué te doy una mano?",
    title: "Asistente Mi Aval",
    dialog: "Chat con el asistente de Mi Aval",
    open: "Abrir el chat de Mi Aval",
    closeLauncher: "Cerrar el chat de Mi Aval",
    close: "Cerrar el chat",
    log: "Conversación con el asistente",
    attach: "Adjuntar foto o PDF",
    place: "Compartir mi ubicación",
    message: "Mensaje",
    placeholder: "Escribí tu mensaje…",
    send: "Enviar",
    typing: "Escribiendo…",
    choices: "Opciones para responder",
    choicesSaid: "Opciones: ",
    image: "Imagen enviada por el asistente",
    document: "Documento para descargar: ",
    located: "Ubicación compartida",
    offline: "No pude conectarme con el asistente. Probá de nuevo en un ratito.",
    noLocation: "No pude obtener tu ubicación. Podés escribirme la dirección.",
    clear: "Borrar conversación",
    clearQuestion: "¿Borramos la conversación? Se olvida lo que hablamos en este navegador y, si ingresaste " +
      "a tu cuenta, vas a tener que volver a ingresar.",
    clearYes: "Sí, borrar",
    clearNo: "Cancelar",
    cleared: "Listo, borré la conversación de este navegador."
  };

  /* Icons drawn as SVG strokes (24x24), so they look the same on a machine without emoji fonts. */
  var ICONS = {
    chat: "M4 5h16v11H9l-5 4z M8 9.5h8 M8 12.5h5",
    close: "M6 6l12 12 M18 6L6 18",
    attach: "M20 11.5l-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.4 3.4 0 0 1 4.8 4.8l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8",
    place: "M12 21s-6.5-5.6-6.5-11a6.5 6.5 0 0 1 13 0c0 5.4-6.5 11-6.5 11z M12 12.3a2.3 2.3 0 1 0 0-4.6 2.3 2.3 0 0 0 0 4.6z",
    document: "M14 3H6.5v18h11V6.5z M14 3v3.5h3.5 M9 12h6 M9 15.5h6",
    clear: "M4 7h16 M9.5 7V4.5h5V7 M6.5 7l1 13h9l1-13 M10 11v5.5 M14 11v5.5"
  };
  var SVG_NS = "http://www.w3.org/2000/svg";

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
  function icon(name) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "ico");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }
  function button(className, label, iconName, text) {
    var node = el("button", className);
    node.type = "button";
    if (iconName) node.appendChild(icon(iconName));
    if (text) node.appendChild(el("span", "", text));
    else node.setAttribute("aria-label", label);
    if (label) node.title = label;
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
  /* Bumped when the conversation is forgotten: answers to an earlier conversation are dropped. */
  var generation = 0;

  var host = el("div");
  host.id = "miaval-webchat";
  var root = host.attachShadow({ mode: "open" });
  var style = el("link");
  style.rel = "stylesheet";
  style.href = GATEWAY + "/webchat/static/widget.css";
  root.appendChild(style);
  /* Until the stylesheet is in, the log does not scroll: scroll again once it is. */
  style.addEventListener("load", function () { scrollToStart(scrollTarget); });

  var launcher = button("launcher", COPY.open, "chat");
  launcher.setAttribute("aria-controls", "miaval-panel");
  var panel = el("section", "panel");
  panel.id = "miaval-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "true");
  panel.setAttribute("aria-label", COPY.dialog);
  var header = el("header");
  var clear = button("clear", null, "clear", COPY.clear);
  var close = button("close", COPY.close, "close");
  header.append(el("h2", "", COPY.title), clear, close);
  var confirmation = el("div", "confirm");
  confirmation.setAttribute("role", "group");
  confirmation.setAttribute("aria-labelledby", "miaval-clear-question");
  var question = el("p", "", COPY.clearQuestion);
  question.id = "miaval-clear-question";
  var clearYes = button("yes", null, null, COPY.clearYes);
  var clearNo = button("no", null, null, COPY.clearNo);
  confirmation.append(question, clearYes, clearNo);
  confirmation.hidden = true;
  var log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-label", COPY.log);
  /* The log is read on demand; what is announced goes through `announcer` (the assistant only). */
  log.setAttribute("aria-live", "off");
  log.tabIndex = 0;
  var announcer = el("div", "visually-hidden");
  announcer.setAttribute("aria-live", "polite");
  var form = el("form");
  var attach = button("icon", COPY.attach, "attach");
  var place = button("icon", COPY.place, "place");
  var file = el("input");
  file.type = "file";
  file.accept = "image/*,application/pdf";
  file.hidden = true;
  var input = el("input");
  input.type = "text";
  input.placeholder = COPY.placeholder;
  input.setAttribute("aria-label", COPY.message);
  input.maxLength = 2000;
  input.autocomplete = "off";
  var send = el("button", "send", COPY.send);
  send.type = "submit";
  form.append(attach, place, file, input, send);
  panel.append(header, confirmation, log, form, announcer);
  root.append(launcher, panel);

  /* Where the log should be scrolled to when it is next shown: the start of the newest exchange. */
  var scrollTarget = null;
  function scrollToStart(node) {
    scrollTarget = node;
    if (panel.hidden) return;
    if (!node || !node.isConnected) { log.scrollTop = log.scrollHeight; return; }
    var gap = parseFloat(window.getComputedStyle(log).paddingTop) || 0;
    log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - gap;
  }

  function setOpen(open, byUser) {
    panel.hidden = !open;
    launcher.hidden = open && window.matchMedia(PHONE).matches;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.setAttribute("aria-label", open ? COPY.closeLauncher : COPY.open);
    launcher.title = open ? COPY.closeLauncher : COPY.open;
    save(LOCAL, STORE_OPEN, open);
    if (open) scrollToStart(scrollTarget);
    if (!byUser) return;
    if (open) input.focus(); else launcher.focus();
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden, true); });
  close.addEventListener("click", function () { setOpen(false, true); });

  /* What Tab may reach inside the open panel, in order. */
  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button, input:not([type=file]), a[href], [tabindex='0']"),
      function (node) { return !node.disabled && node.getClientRects().length > 0; }
    );
  }
  root.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || panel.hidden) return;
    event.preventDefault();
    if (!confirmation.hidden) closeConfirmation(); else setOpen(false, true);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var reachable = focusables();
    if (!reachable.length) return;
    var first = reachable[0], last = reachable[reachable.length - 1];
    var current = root.activeElement;
    if (event.shiftKey && (current === first || reachable.indexOf(current) < 0)) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (current === last || reachable.indexOf(current) < 0)) {
      event.preventDefault(); first.focus();
    }
  });

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

  /* Say `text` to screen readers (the assistant's words only). */
  function announce(text) {
    announcer.appendChild(el("p", "", text));
  }

  function render(entry, live) {
    var node;
    if (entry.type === "image") {
      var src = safeUrl(entry.url);
      if (!src) return null;
      node = el("div", "msg bot");
      var image = el("img");
      image.src = src;
      image.alt = COPY.image;
      node.appendChild(image);
    } else if (entry.type === "document") {
      var href = safeUrl(entry.url);
      if (!href) return null;
      node = el("div", "msg bot document");
      var link = el("a");
      link.append(icon("document"), el("span", "", entry.filename || "documento.pdf"));
      link.href = href;
      link.setAttribute("download", entry.filename || "documento.pdf");
      link.rel = "noopener";
      node.appendChild(link);
    } else {
      node = el("div", "msg " + (entry.from === "user" ? "user" : entry.from === "staff" ? "staff" : "bot") +
        (entry.notice ? " notice" : ""));
      if (entry.from === "staff") node.appendChild(el("span", "who", String(entry.who || "")));
      if (entry.icon && ICONS[entry.icon]) node.appendChild(icon(entry.icon));
      node.appendChild(linkified(String(entry.text || "")));
    }
    log.appendChild(node);
    if (live && entry.buttons && entry.buttons.length) {
      var quick = el("div", "quick");
      quick.setAttribute("role", "group");
      quick.setAttribute("aria-label", COPY.choices);
      entry.buttons.forEach(function (choice) {
        var option = el("button", "", choice.title);
        option.type = "button";
        option.addEventListener("click", function () { input.focus(); say(choice.title, choice.payload); });
        quick.appendChild(option);
      });
      log.appendChild(quick);
    }
    return node;
  }

  function remember(entry) {
    history.push(entry);
    if (history.length > HISTORY_LIMIT) history = history.slice(-HISTORY_LIMIT);
    save(TAB, STORE_HISTORY, history);
  }

  /* What a screen reader says for an assistant's message: its text, then its choices as one list. */
  function spoken(entry) {
    if (entry.type === "image") return COPY.image;
    if (entry.type === "document") return COPY.document + (entry.filename || "documento.pdf");
    var text = (entry.from === "staff" ? String(entry.who || "") + ": " : "") + String(entry.text || "");
    var titles = (entry.buttons || []).map(function (choice) { return choice.title; });
    return titles.length ? text + " " + COPY.choicesSaid + titles.join("; ") + "." : text;
  }

  function show(entry) {
    remember(entry);
    var node = render(entry, true);
    if (entry.from !== "user" && node) announce(spoken(entry));
    return node;
  }

  /* Forget the history and the id, in this tab and this browser; the next message starts a new session. */
  function forgetConversation() {
    generation += 1;
    history = [];
    sender = null;
    forget(TAB, STORE_HISTORY);
    forget(LOCAL, STORE_SENDER);
    forget(LOCAL, STORE_CURSOR);
    while (log.firstChild) log.removeChild(log.firstChild);
    while (announcer.firstChild) announcer.removeChild(announcer.firstChild);
    busy(false);
  }

  function busy(on) {
    send.disabled = attach.disabled = place.disabled = on;
    var typing = log.querySelector(".typing");
    if (on && !typing) { log.appendChild(el("div", "typing", COPY.typing)); log.scrollTop = log.scrollHeight; }
    if (!on && typing) typing.remove();
  }

  function ensureSender() {
    if (sender) return Promise.resolve(sender);
    return fetch(GATEWAY + "/webchat/sessions", { method: "POST" })
      .then(function (response) { if (!response.ok) throw new Error("session"); return response.json(); })
      .then(function (body) { sender = body.sender; touchSender(); return sender; });
  }

  /* Show an answer's messages and scroll to where the answer starts. */
  function showAnswer(messages) {
    var first = null;
    messages.forEach(function (message) {
      var node = message.type !== "text"
        ? show({ from: "bot", type: message.type, url: message.url, filename: message.filename })
        : message.from_person
          ? show({ from: "staff", who: message.from_person, type: "text", text: message.text, buttons: [] })
          : show({ from: "bot", type: "text", text: message.text, buttons: message.buttons || [] });
      first = first || node;
    });
    if (first) scrollToStart(first);
  }

  function post(path, makeBody, retried) {
    var asked = generation;
    clearQuickReplies();
    while (announcer.firstChild) announcer.removeChild(announcer.firstChild);
    busy(true);
    return ensureSender()
      .then(function (id) { touchSender(); return fetch(GATEWAY + path, makeBody(id)); })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok && body && body.error && body.error.code === "invalid_sender" && !retried) {
            /* An id this gateway no longer accepts (issued before its key changed): start a new conversation. */
            forget(LOCAL, STORE_SENDER);
            sender = null;
            return { retry: true };
          }
          if (!response.ok) throw new Error("status " + response.status);
          return body;
        });
      })
      .then(function (body) {
        if (body && body.retry === true) return post(path, makeBody, true);
        if (asked !== generation) return;
        busy(false);
        if (body.signed_out === true) forgetConversation();
        showAnswer(body.messages || []);
      })
      .catch(function () {
        if (asked !== generation) return;
        busy(false);
        scrollToStart(show({ from: "bot", type: "text", notice: true, text: COPY.offline }));
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
    show({ from: "user", type: "text", icon: "attach", text: chosen.name });
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
      show({ from: "user", type: "text", icon: "place", text: COPY.located });
      post("/webchat/locations", function (id) {
        return {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ sender: id, latitude: position.coords.latitude, longitude: position.coords.longitude })
        };
      });
    }, function () {
      scrollToStart(show({ from: "bot", type: "text", notice: true, text: COPY.noLocation }));
    });
  });

  /* "Borrar conversación" asks first: once confirmed nothing is kept, so there is nothing to undo with. */
  function closeConfirmation() {
    confirmation.hidden = true;
    clear.focus();
  }
  clear.addEventListener("click", function () {
    confirmation.hidden = false;
    clearNo.focus();
  });
  clearNo.addEventListener("click", closeConfirmation);
  clearYes.addEventListener("click", function () {
    confirmation.hidden = true;
    forgetConversation();
    start();
    announce(COPY.cleared);
    input.focus();
  });

  /* Show the history (or the welcome): quick replies only for the last message, if it was the assistant's. */
  function start() {
    if (history.length === 0) remember({ from: "bot", type: "text", text: COPY.welcome, buttons: [] });
    var newest = null;
    history.forEach(function (entry, index) {
      var node = render(entry, index === history.length - 1 && entry.from === "bot");
      if (entry.from === "user" && node) newest = node;
    });
    scrollToStart(newest);
  }
  start();

  /* Messages from Aval's staff sent since the last ones this browser showed. */
  var polling = false;
  function pollUpdates() {
    if (!sender || polling) return;
    var asked = generation;
    var id = sender;
    var stored = load(LOCAL, STORE_CURSOR, null);
    var after = stored && stored.sender === id && typeof stored.after === "number" ? stored.after : 0;
    polling = true;
    fetch(GATEWAY + "/webchat/updates", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: id, after: after })
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        polling = false;
        if (!body || asked !== generation || id !== sender || typeof body.cursor !== "number") return;
        save(LOCAL, STORE_CURSOR, { sender: id, after: body.cursor });
        showAnswer(body.messages || []);
      })
      .catch(function () { polling = false; });
  }

  function mount() {
    document.body.appendChild(host);
    var open = load(LOCAL, STORE_OPEN, null);
    setOpen(open === null ? (script && script.getAttribute("data-open") === "true") : open, false);
    pollUpdates();
    window.setInterval(function () {
      if (!panel.hidden && document.visibilityState === "visible") pollUpdates();
    }, POLL_SECONDS * 1000);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
