/* What the chat bubble shows (templates/chat/_bubble.html): the panel, the status line, the messages,
   the typing line, errors, the offline notice and the case line. Text goes in as textContent only and
   visibility is Bootstrap's d-none class: the page's CSP allows no inline style. chat_bubble.js drives it. */

const TYPING_SHOWN_MS = 6000;
const OPEN_KEY = "supportal.chat.open"; // sessionStorage: the panel stays open across pages and reloads

export function show(node, visible) {
  node.classList.toggle("d-none", !visible);
}

export function statusText(conversation) {
  if (!conversation) return "";
  if (conversation.status === "waiting") return "Waiting for an agent…";
  if (conversation.status === "active") return `Chatting with ${conversation.agent || "an agent"}`;
  return "Chat ended";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function messageNode(message) {
  if (message.kind === "event") {
    const event = element("div", "chat-event", message.body);
    event.dataset.messageId = String(message.id);
    return event;
  }
  const item = element("div", `chat-message ${message.from_agent ? "chat-theirs" : "chat-mine"}`);
  item.dataset.messageId = String(message.id);
  const clock = new Date(message.at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const time = element("time", "", clock);
  time.dateTime = message.at;
  const meta = element("div", "small text-muted");
  meta.append(element("strong", "chat-author", message.author), " · ", time);
  item.append(meta);
  if (message.body) item.append(element("div", "chat-text", message.body));
  if (message.file) {
    const link = element("a", "chat-file", message.file.name);
    link.href = message.file.url;
    const line = element("div");
    line.append(link);
    item.append(line);
  }
  return item;
}

export function createView(root) {
  const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
  const el = {
    button: byTestId("chat-bubble-button"),
    panel: byTestId("chat-panel"),
    status: byTestId("chat-status"),
    end: byTestId("chat-end"),
    offline: byTestId("chat-offline"),
    caseLine: byTestId("chat-case"),
    messages: byTestId("chat-messages"),
    typing: byTestId("chat-typing"),
    error: byTestId("chat-error"),
    name: byTestId("chat-name"),
    input: byTestId("chat-input"),
    send: byTestId("chat-send"),
    file: byTestId("chat-file"),
    composer: root.querySelector("[data-chat-composer]"),
    nameRow: root.querySelector("[data-chat-name-row]"),
    fileLabel: root.querySelector("[data-chat-file-label]"),
    minimise: root.querySelector("[data-chat-minimise]"),
    scroller: root.querySelector(".chat-body-area"),
  };
  let typingTimer = null;

  function scrollDown() {
    el.scroller.scrollTop = el.scroller.scrollHeight;
  }

  function panelOpen() {
    return !el.panel.classList.contains("d-none");
  }

  function panelRemembered() {
    try {
      return window.sessionStorage.getItem(OPEN_KEY) === "1";
    } catch (error) {
      return false; // storage refused: the panel starts closed
    }
  }

  function setPanelOpen(open, { remember = true } = {}) {
    show(el.panel, open);
    el.button.setAttribute("aria-expanded", String(open));
    if (open) scrollDown();
    try {
      if (remember) window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0");
    } catch (error) {
      // storage refused: nothing to keep
    }
  }

  function setTransport(transport) {
    el.panel.dataset.transport = transport;
  }

  function showError(text) {
    el.error.textContent = text || "";
    show(el.error, Boolean(text));
  }

  function showTyping(frame) {
    clearTimeout(typingTimer);
    if (frame.typing) {
      el.typing.textContent = `${frame.who} is typing…`;
      typingTimer = setTimeout(() => show(el.typing, false), TYPING_SHOWN_MS);
    }
    show(el.typing, Boolean(frame.typing));
  }

  /* Add one line in id order, whichever way it arrived (socket, join, poll, an HTTP answer). */
  function addMessage(message) {
    let before = null;
    for (let node = el.messages.lastElementChild; node; node = node.previousElementSibling) {
      if (Number(node.dataset.messageId) < message.id) break;
      before = node;
    }
    el.messages.insertBefore(messageNode(message), before);
    if (message.from_agent && message.kind !== "event") showTyping({ typing: false });
    scrollDown();
  }

  function clearMessages() {
    el.messages.replaceChildren();
  }

  function renderOffline(state) {
    el.offline.replaceChildren("Our support team is away right now.");
    if (state.opens_at) {
      const format = { dateStyle: "full", timeStyle: "short" };
      const when = new Date(state.opens_at).toLocaleString(undefined, format);
      const back = element("time", "", when);
      back.dateTime = state.opens_at;
      el.offline.append(" We are back on ", back, ".");
    }
    const link = element("a", "", "Create a case");
    link.href = state.case_url;
    el.offline.append(" ", link, " and we will answer it as soon as we can.");
  }

  function renderCase(conversation) {
    const number = conversation && conversation.case;
    if (number) {
      const link = element("a", "", `Case ${number}`);
      link.href = `/cases/${encodeURIComponent(number)}/`;
      el.caseLine.replaceChildren(link, " was opened for you.");
    }
    show(el.caseLine, Boolean(number));
  }

  /* The whole panel from the bootstrap state and the conversation (null before the first message). */
  function render(state, conversation) {
    const open = Boolean(conversation && conversation.status !== "closed");
    show(el.offline, !open && !state.staffed);
    show(el.composer, open || state.staffed);
    show(el.nameRow, !open && Boolean(state.name_needed));
    show(el.fileLabel, open);
    show(el.end, open);
    el.status.textContent = statusText(conversation);
    renderCase(conversation);
  }

  return {
    el,
    addMessage,
    clearMessages,
    panelOpen,
    panelRemembered,
    render,
    renderOffline,
    setPanelOpen,
    setTransport,
    showError,
    showTyping,
  };
}
