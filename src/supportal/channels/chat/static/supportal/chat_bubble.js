/* The customer's chat bubble (templates/chat/_bubble.html), an ES module. It asks /chat/state/ whether
   chat is offered, then talks to the support team over the /ws/chat/ socket (consumers.py describes the
   frames): reconnecting with backoff (1 s, 2 s, 4 s… 30 s) and joining again after the last message it
   shows; when the socket never opens (three tries) or the browser has none, it polls
   /chat/<id>/messages/ every 3 s and sends over HTTP.
   chat_bubble_view.js draws; chat_bubble_net.js makes the calls and opens the socket. */
import { errorText, openSocket, post, postFile, request } from "./chat_bubble_net.js";
import { createView } from "./chat_bubble_view.js";

const POLL_MS = 3000;
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 5000;
const MAX_BACKOFF_MS = 30000;
const SOCKET_FAILURES_BEFORE_POLLING = 3;
const SIGNED_OUT = 4401;

const root = document.querySelector("[data-chat-bubble]");
if (root) startBubble(root);

function startBubble(root) {
  const view = createView(root);
  const el = view.el;
  const chat = {
    state: null, // GET /chat/state/
    conversation: null, // push.conversation_json(), or null before the first message
    lastId: 0,
    shown: new Set(),
    socket: null,
    transport: "",
    failures: 0, // socket tries in a row that never opened
    attempt: 0, // reconnects since the socket last opened: the backoff's exponent
    retryTimer: null,
    pollingFor: null,
    pollTimer: null,
    typingSentAt: 0,
    typingIdleTimer: null,
  };

  const urlFor = (name, id) => root.dataset[name].replace("/0/", `/${id}/`);
  const isOpen = () => Boolean(chat.conversation && chat.conversation.status !== "closed");
  const socketOpen = () => Boolean(chat.socket && chat.socket.readyState === window.WebSocket.OPEN);

  function setTransport(transport) {
    chat.transport = transport;
    view.setTransport(transport);
  }

  function render() {
    view.render(chat.state, chat.conversation);
  }

  function addMessages(messages) {
    for (const message of messages || []) {
      if (!message || chat.shown.has(message.id)) continue;
      chat.shown.add(message.id);
      chat.lastId = Math.max(chat.lastId, message.id);
      view.addMessage(message);
    }
  }

  function updateState(state) {
    if (!state || !chat.conversation || state.id !== chat.conversation.id) return;
    chat.conversation = state;
    render();
  }

  function setConversation(state) {
    const changed = !chat.conversation || chat.conversation.id !== state.id;
    if (changed) {
      disconnect();
      view.clearMessages();
      chat.shown.clear();
      chat.lastId = 0;
    }
    chat.conversation = state;
    render();
    if (changed && isOpen()) connect();
  }

  // --- Typing: at most one frame per 3 s while typing, "stopped" after 5 s idle or on sending

  function sendFrame(frame) {
    if (!socketOpen()) return false;
    chat.socket.send(JSON.stringify(frame));
    return true;
  }

  function stopTyping() {
    clearTimeout(chat.typingIdleTimer);
    if (chat.typingSentAt && isOpen()) {
      sendFrame({ type: "typing", conversation: chat.conversation.id, typing: false });
    }
    chat.typingSentAt = 0;
  }

  function typed() {
    if (!isOpen() || !socketOpen()) return;
    const now = Date.now();
    if (now - chat.typingSentAt >= TYPING_EVERY_MS) {
      chat.typingSentAt = now;
      sendFrame({ type: "typing", conversation: chat.conversation.id, typing: true });
    }
    clearTimeout(chat.typingIdleTimer);
    chat.typingIdleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  // --- The socket, and polling when it cannot open

  function onFrame(frame) {
    if (!chat.conversation || !frame) return;
    if (frame.conversation != null && frame.conversation !== chat.conversation.id) return;
    if (frame.type === "joined") {
      updateState(frame.state);
      addMessages(frame.messages);
    } else if (frame.type === "message") {
      addMessages([frame.message]);
    } else if (frame.type === "conversation") {
      updateState(frame.state);
    } else if (frame.type === "typing") {
      view.showTyping(frame);
    } else if (frame.type === "error") {
      view.showError(frame.detail);
    }
  }

  function connect() {
    if (chat.transport === "polling" || typeof window.WebSocket !== "function") {
      startPolling();
      return;
    }
    const socket = openSocket(chat.state.socket, {
      onOpen() {
        chat.failures = 0;
        chat.attempt = 0;
        setTransport("socket");
        const conversation = chat.conversation;
        if (conversation) sendFrame({ type: "join", conversation: conversation.id, after: chat.lastId });
      },
      onFrame,
      onClose({ opened, code }) {
        if (chat.socket !== socket) return; // closed on purpose
        chat.socket = null;
        if (code === SIGNED_OUT) {
          view.showError("Please sign in again.");
          return;
        }
        if (!opened) chat.failures += 1;
        if (!isOpen()) return;
        if (chat.failures >= SOCKET_FAILURES_BEFORE_POLLING) {
          startPolling();
          return;
        }
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** chat.attempt);
        chat.attempt += 1;
        chat.retryTimer = setTimeout(connect, delay);
      },
    });
    if (socket === null) startPolling();
    chat.socket = socket;
  }

  function disconnect() {
    clearTimeout(chat.retryTimer);
    stopPolling();
    stopTyping();
    if (chat.socket) {
      const socket = chat.socket;
      chat.socket = null;
      socket.close();
    }
  }

  async function pollOnce(conversationId) {
    const url = `${urlFor("messagesUrl", conversationId)}?after=${chat.lastId}`;
    const result = await request(url, { method: "GET" });
    if (!chat.conversation || chat.conversation.id !== conversationId) return;
    if (result.ok) {
      updateState(result.data.state);
      addMessages(result.data.messages);
    } else if (result.status) {
      view.showError(errorText(result)); // unreachable (status 0): quietly try again
    }
  }

  async function pollLoop(conversationId) {
    await pollOnce(conversationId);
    if (chat.pollingFor === conversationId && isOpen()) {
      chat.pollTimer = setTimeout(() => pollLoop(conversationId), POLL_MS);
    }
  }

  function startPolling() {
    setTransport("polling");
    stopPolling();
    if (!chat.conversation) return;
    chat.pollingFor = chat.conversation.id;
    pollLoop(chat.conversation.id);
  }

  function stopPolling() {
    clearTimeout(chat.pollTimer);
    chat.pollingFor = null;
  }

  // --- What the customer does

  async function start(body) {
    const fields = { body };
    if (chat.state.name_needed) fields.name = el.name.value.trim();
    el.send.disabled = true;
    const result = await post(root.dataset.startUrl, fields);
    el.send.disabled = false;
    if (!result.ok) {
      view.showError(errorText(result));
      return;
    }
    el.input.value = "";
    setConversation(result.data.conversation);
  }

  async function sendMessage(event) {
    event.preventDefault();
    const body = el.input.value.trim();
    if (!body) return;
    view.showError("");
    if (!isOpen()) {
      await start(body); // the first message, or the first after the last chat ended
      return;
    }
    stopTyping();
    const conversationId = chat.conversation.id;
    if (sendFrame({ type: "message", conversation: conversationId, body })) {
      el.input.value = "";
      return;
    }
    el.send.disabled = true;
    const result = await post(urlFor("messagesUrl", conversationId), { body });
    el.send.disabled = false;
    if (!result.ok) {
      view.showError(errorText(result));
      return;
    }
    el.input.value = "";
    addMessages([result.data.message]);
  }

  async function shareFile() {
    const file = el.file.files && el.file.files[0];
    if (!file || !isOpen()) return;
    view.showError("");
    const result = await postFile(urlFor("filesUrl", chat.conversation.id), file);
    el.file.value = "";
    if (result.ok) addMessages([result.data.message]);
    else view.showError(errorText(result));
  }

  async function endChat() {
    if (!isOpen()) return;
    const conversationId = chat.conversation.id;
    stopTyping();
    const result = await post(urlFor("closeUrl", conversationId), {});
    if (!result.ok) {
      view.showError(errorText(result));
      return;
    }
    updateState(result.data.state);
    if (chat.transport === "polling") await pollOnce(conversationId); // its "ended" line
  }

  async function init() {
    const result = await request(root.dataset.stateUrl, { method: "GET" });
    if (!result.ok || !result.data || !result.data.offered) {
      root.dataset.chatState = "unavailable";
      return;
    }
    chat.state = result.data;
    if (chat.state.staffed === false) view.renderOffline(chat.state);
    root.classList.remove("d-none");
    view.setPanelOpen(view.panelRemembered(), { remember: false });
    if (chat.state.conversation) setConversation(chat.state.conversation);
    else render();
    root.dataset.chatState = "ready";
  }

  el.button.addEventListener("click", () => view.setPanelOpen(!view.panelOpen()));
  el.minimise.addEventListener("click", () => view.setPanelOpen(false));
  el.composer.addEventListener("submit", sendMessage);
  el.input.addEventListener("input", typed);
  el.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit();
    }
  });
  el.file.addEventListener("change", shareFile);
  el.end.addEventListener("click", endChat);
  init();
}
