// The agents' chat inbox (/agent/chat/): one socket for the page, joined to every open panel's
// conversation; the waiting list re-fetched when the queue changes; each panel's forms posted to the
// JSON endpoints (X-CSRFToken). Message bodies are always set as text, never as HTML.
(function () {
  "use strict";

  var root = document.querySelector("[data-chat-inbox]");
  if (!root) return;
  var csrf = root.dataset.csrf;
  var me = Number(root.dataset.me);
  var socket = null;
  var backoff = 1000;
  var lastTyping = {};
  var typingTimers = {};
  var TYPING_EVERY = 3000;

  // --- Helpers

  function panelOf(id) {
    return root.querySelector('[data-testid="chat-conversation"][data-conversation-id="' + Number(id) + '"]');
  }

  function part(panel, testid) {
    return panel.querySelector('[data-testid="' + testid + '"]');
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  function post(url, data) {
    var body = data instanceof FormData ? data : new URLSearchParams(data || {});
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) throw new Error(json.detail || "Something went wrong (" + response.status + ").");
        return json;
      });
    });
  }

  function fetchFragment(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("Could not load (" + response.status + ").");
      return response.text();
    }).then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html; // our own server-rendered, escaped partial
      return template.content;
    });
  }

  function updateNone() {
    root.querySelector("[data-chat-none]").hidden = !!root.querySelector('[data-testid="chat-conversation"]');
  }

  // --- Messages

  function el(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function appendMessage(panel, message) {
    var list = part(panel, "chat-messages");
    if (list.querySelector('[data-message-id="' + Number(message.id) + '"]')) return;
    var event = message.kind === "event";
    var item = el("li", event ? "chat-event" : "chat-message" + (message.from_agent ? " chat-from-agent" : ""), "");
    item.dataset.messageId = String(message.id);
    var time = el("time", "", new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    time.dateTime = message.at;
    var body = el(event ? "span" : "div", "chat-body", message.body);
    if (event) item.append(body, " ", time);
    else item.append(el("span", "chat-author", message.author), " ", time, body);
    if (message.file) {
      var link = el("a", "chat-file", message.file.name);
      link.href = message.file.url;
      item.append(link);
    }
    list.append(item);
    list.scrollTop = list.scrollHeight;
    if (Number(message.id) > Number(panel.dataset.lastId || 0)) panel.dataset.lastId = String(message.id);
    if (!message.from_agent) show(part(panel, "chat-typing"), "");
  }

  function applyState(panel, state) {
    if (state.case) showCase(panel, state.case, null);
    var status = panel.querySelector("[data-chat-status]");
    var ended = state.status === "closed";
    var away = !ended && state.agent_id !== me;
    if (ended || away) {
      show(status, ended ? "Ended" : state.agent ? "Transferred to " + state.agent : "Transferred to " + (state.team || "the queue"));
      panel.querySelector("[data-chat-controls]").hidden = true;
      panel.querySelector("[data-chat-dismiss]").hidden = false;
      panel.classList.add("chat-panel-ended");
      send({ type: "leave", conversation: Number(panel.dataset.conversationId) });
    }
  }

  function showCase(panel, number, url) {
    var slot = panel.querySelector("[data-chat-case-slot]");
    var link = part(panel, "chat-case");
    if (!link) {
      link = slot.appendChild(el("a", "", ""));
      link.dataset.testid = "chat-case";
    }
    link.href = url || panel.dataset.casePageUrl.replace("0000000000", encodeURIComponent(number));
    link.textContent = "Case " + number;
  }

  // --- The socket

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function join(panel) {
    send({ type: "join", conversation: Number(panel.dataset.conversationId), after: Number(panel.dataset.lastId || 0) });
  }

  function setSocketStatus(text, ok) {
    var badge = root.querySelector("[data-chat-socket-status]");
    badge.textContent = text;
    badge.classList.toggle("text-bg-success", ok);
    badge.classList.toggle("text-bg-secondary", !ok);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.addEventListener("open", function () {
      backoff = 1000;
      setSocketStatus("Live", true);
      root.querySelectorAll('[data-testid="chat-conversation"]').forEach(function (panel) {
        if (!panel.classList.contains("chat-panel-ended")) join(panel);
      });
      refreshWaiting();
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      onFrame(frame);
    });
    socket.addEventListener("close", function (event) {
      setSocketStatus("Reconnecting…", false);
      if (event.code === 4401) { setSocketStatus("Signed out", false); return; }
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    });
  }

  function onFrame(frame) {
    var panel = frame.conversation ? panelOf(frame.conversation) : null;
    if (frame.type === "inbox") refreshWaiting();
    else if (frame.type === "assigned") addPanel(frame.conversation);
    else if (!panel) return;
    else if (frame.type === "joined") {
      frame.messages.forEach(function (message) { appendMessage(panel, message); });
      applyState(panel, frame.state);
    } else if (frame.type === "message") appendMessage(panel, frame.message);
    else if (frame.type === "conversation") applyState(panel, frame.state);
    else if (frame.type === "typing") showTyping(panel, frame);
    else if (frame.type === "error") show(part(panel, "chat-error"), frame.detail);
  }

  function showTyping(panel, frame) {
    var line = part(panel, "chat-typing");
    var id = panel.dataset.conversationId;
    clearTimeout(typingTimers[id]);
    show(line, frame.typing ? frame.who + " is typing…" : "");
    if (frame.typing) typingTimers[id] = setTimeout(function () { show(line, ""); }, 6000);
  }

  // --- The waiting list and new panels

  function refreshWaiting() {
    var box = root.querySelector("[data-chat-waiting]");
    fetchFragment(root.dataset.waitingUrl).then(function (content) {
      box.replaceChildren(content);
    }).catch(function (error) { show(root.querySelector("[data-chat-inbox-error]"), error.message); });
  }

  function addPanel(id) {
    if (panelOf(id)) return Promise.resolve();
    var url = root.dataset.panelUrl.replace(/\/0\/panel\/$/, "/" + Number(id) + "/panel/");
    return fetchFragment(url).then(function (content) {
      if (panelOf(id)) return;
      root.querySelector("[data-chat-panels]").append(content);
      updateNone();
      join(panelOf(id));
    });
  }

  function accept(button) {
    var id = button.dataset.conversationId;
    button.disabled = true;
    show(root.querySelector("[data-chat-inbox-error]"), "");
    post(button.dataset.chatAccept).then(function () {
      return addPanel(id);
    }).catch(function (error) {
      show(root.querySelector("[data-chat-inbox-error]"), error.message);
    }).then(refreshWaiting);
  }

  // --- A panel's actions: each posts to one endpoint and shows the answer's `detail` in the panel

  function act(panel, url, data) {
    var error = part(panel, "chat-error");
    show(error, "");
    return post(url, data).catch(function (failure) {
      show(error, failure.message);
      throw failure;
    });
  }

  function quietly() {}

  function sendReply(panel) {
    var input = part(panel, "chat-input");
    var id = panel.dataset.conversationId;
    if (!input.value.trim()) return;
    act(panel, panel.dataset.messagesUrl, { body: input.value }).then(function (json) {
      input.value = "";
      appendMessage(panel, json.message);
      send({ type: "typing", conversation: Number(id), typing: false });
      lastTyping[id] = 0;
    }, quietly);
  }

  function typing(panel) {
    var id = panel.dataset.conversationId;
    if (Date.now() - (lastTyping[id] || 0) < TYPING_EVERY) return;
    lastTyping[id] = Date.now();
    send({ type: "typing", conversation: Number(id), typing: true });
  }

  function shareFile(panel, input) {
    if (!input.files.length) return;
    var data = new FormData();
    data.append("file", input.files[0]);
    act(panel, panel.dataset.filesUrl, data).then(function (json) {
      appendMessage(panel, json.message);
    }, quietly).then(function () { input.value = ""; });
  }

  function transfer(panel) {
    var select = part(panel, "chat-transfer-to");
    if (!select.value) { show(part(panel, "chat-error"), "Choose an agent or a team."); return; }
    var pieces = select.value.split(":");
    var data = {};
    data[pieces[0]] = pieces[1];
    var name = select.selectedOptions[0].textContent;
    act(panel, panel.dataset.transferUrl, data).then(function () {
      panel.remove();
      updateNone();
      show(root.querySelector("[data-chat-notice]"), "Transferred to " + name + ".");
    }, quietly);
  }

  function createCase(panel, form) {
    act(panel, panel.dataset.caseUrl, new URLSearchParams(new FormData(form))).then(function (json) {
      form.hidden = true;
      showCase(panel, json.case, json.url);
    }, quietly);
  }

  function changeState(url, data) {
    return function (panel) {
      act(panel, panel.dataset[url], data && data(panel)).then(function (json) { applyState(panel, json.state); }, quietly);
    };
  }

  var clicks = {
    "chat-send": sendReply,
    "chat-transfer": transfer,
    "chat-link-submit": changeState("linkUrl", function (panel) { return { case: part(panel, "chat-link-number").value.trim() }; }),
    "chat-end": changeState("closeUrl"),
    "chat-create-case": function (panel, button) {
      var form = panel.querySelector("[data-chat-case-form]");
      form.hidden = !form.hidden;
      button.setAttribute("aria-expanded", String(!form.hidden));
    },
  };

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.dataset.chatAccept) { accept(target); return; }
    var panel = target.closest('[data-testid="chat-conversation"]');
    if (!panel) return;
    if (target.hasAttribute("data-chat-dismiss")) { panel.remove(); updateNone(); return; }
    var action = clicks[target.dataset.testid];
    if (action) action(panel, target);
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-chat-case-form]");
    if (!form) return;
    event.preventDefault();
    createCase(form.closest('[data-testid="chat-conversation"]'), form);
  });

  root.addEventListener("keydown", function (event) {
    if (event.target.dataset.testid === "chat-input" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendReply(event.target.closest('[data-testid="chat-conversation"]'));
    }
  });

  root.addEventListener("input", function (event) {
    if (event.target.dataset.testid === "chat-input") typing(event.target.closest('[data-testid="chat-conversation"]'));
  });

  root.addEventListener("change", function (event) {
    var target = event.target;
    var panel = target.closest('[data-testid="chat-conversation"]');
    if (!panel) return;
    if (target.dataset.testid === "chat-canned" && target.value) {
      var input = part(panel, "chat-input");
      input.value = target.selectedOptions[0].dataset.text;
      target.value = "";
      input.focus();
    } else if (target.dataset.testid === "chat-file") shareFile(panel, target);
  });

  connect();
})();
