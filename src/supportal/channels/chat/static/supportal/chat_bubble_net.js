/* The chat bubble's network: HTTP calls (JSON answers, the CSRF header, one plain sentence for any
   error) and the socket (same host, wss on https, frames parsed). */

export function csrfToken() {
  try {
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
  } catch (error) {
    // no usable hx-headers: the cookie below
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/* `{ok, status, data}`: status 0 when the server could not be reached, data null when not JSON. */
export async function request(url, options) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers, ...options });
  } catch (error) {
    return { ok: false, status: 0, data: null };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

export function post(url, fields) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return request(url, { method: "POST", body: form });
}

export function postFile(url, file) {
  const form = new FormData();
  form.append("file", file);
  return request(url, { method: "POST", body: form });
}

export function errorText(result) {
  if (result.data && result.data.detail) return result.data.detail;
  if (result.status === 413) return "That file is too large.";
  if (result.status === 0) return "We could not reach the server; please try again.";
  return "Something went wrong; please try again.";
}

/* A WebSocket to `path` on this host, or null when the browser refuses to make one. `onClose` learns
   whether it ever opened (three that never do send the bubble to polling) and the close code. */
export function openSocket(path, { onOpen, onFrame, onClose }) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  let socket;
  try {
    socket = new window.WebSocket(`${scheme}//${window.location.host}${path}`);
  } catch (error) {
    return null;
  }
  let opened = false;
  socket.addEventListener("open", () => {
    opened = true;
    onOpen();
  });
  socket.addEventListener("message", (event) => {
    let frame = null;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return; // not a frame of ours
    }
    onFrame(frame);
  });
  socket.addEventListener("close", (event) => onClose({ opened, code: event.code }));
  return socket;
}
