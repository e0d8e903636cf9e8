// The chat page: sends what the reader types or taps to the server and shows what comes back.
// Every text is put in the page with textContent, never as markup, so nothing the FAQ or a
// reader writes can run as code. No library, no build step: the page must work on a county
// intranet cut off from every CDN. The only state kept here is the anonymous session id, in
// sessionStorage (no cookie), sent as X-Session: the conversation itself lives on the server.
"use strict";

(function () {
  const root = document.documentElement;
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const send = document.getElementById("send");
  const label = (name, lang) => root.getAttribute(lang ? `data-${name}-${lang}` : `data-${name}`) || "";
  const RETRIES = 10; // half a minute of pauses growing to 4 s: long enough for the server to restart
  const pause = (attempt) => new Promise((done) => setTimeout(done, Math.min(500 * 2 ** attempt, 4000)));
  let session = "";
  try {
    session = sessionStorage.getItem("faq-session") || "";
  } catch (error) {
    session = ""; // storage refused (a sandboxed frame): the server hands out an id per reply
  }
  let busy = false;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function addMessage(from, node) {
    node.dataset.from = from;
    node.classList.add("msg", from);
    log.appendChild(node);
    scrollDown();
    return node;
  }

  function showUser(text) {
    addMessage("user", element("div", "", text));
  }

  function showNote(text) {
    addMessage("bot", element("div", "note", text));
  }

  function paragraphs(node, text, className) {
    for (const part of (text || "").split("\n")) if (part) node.appendChild(element("p", className, part));
  }

  function fillBody(node, reply) {
    node.replaceChildren();
    if (reply.verdict) node.appendChild(element("p", "verdict", reply.verdict));
    let head = null;
    if (reply.title) {
      head = element("div", "title", reply.title);
      if (reply.line) head.appendChild(element("span", "line", reply.line));
      if (!reply.title_last) node.appendChild(head);
    }
    for (const line of reply.lead || []) node.appendChild(element("p", "lead", line));
    paragraphs(node, reply.text, "");
    if (reply.quote) node.appendChild(element("blockquote", "", reply.quote));
    // a long English title would push the asked fact down: it follows the answer
    if (head && reply.title_last) node.appendChild(head);
  }

  function button(text, className, onPress) {
    const node = element("button", className, text);
    node.type = "button";
    node.addEventListener("click", onPress);
    return node;
  }

  function showReply(reply) {
    if (reply.kind === "note") {
      showNote(reply.text);
      return;
    }
    const message = element("div", "");
    message.dataset.kind = reply.kind;
    const body = element("div", "body");
    fillBody(body, reply);
    message.appendChild(body);
    const lang = reply.lang;
    if (reply.options && reply.options.length) {
      if (reply.lead_in) message.appendChild(element("p", "lead-in", reply.lead_in));
      const list = element("div", "options");
      for (const option of reply.options) {
        list.appendChild(button(option.label, "option", () => post({ pick: option.token, lang }, option.label)));
      }
      message.appendChild(list);
      if (reply.how) message.appendChild(element("p", "how", reply.how));
    }
    if (reply.examples && reply.examples.length) {
      const list = element("div", "options examples");
      for (const example of reply.examples) list.appendChild(button(example, "option example", () => ask(example)));
      message.appendChild(list);
    }
    if (reply.related && reply.related.length) {
      const list = element("div", "options related");
      for (const option of reply.related) {
        list.appendChild(button(option.label, "option related", () => post({ pick: option.token, lang }, option.label)));
      }
      message.appendChild(list);
    }
    const actions = element("div", "actions");
    if (reply.full && reply.entry) {
      const full = button(label("full", lang), "action full", async () => {
        if (busy) return;
        const answer = await exchange({ full: reply.entry, lang });
        const expanded = answer && answer.replies && answer.replies[0];
        if (expanded && expanded.kind === "full") {
          fillBody(body, expanded);
          full.remove();
        } else if (expanded) {
          showReply(expanded);
        }
      });
      actions.appendChild(full);
    }
    if (reply.vote) {
      for (const [value, name] of [["up", "helpful"], ["down", "not-helpful"]]) {
        const vote = button(label(value), "action vote", () => {
          if (busy) return;
          for (const other of actions.querySelectorAll(".vote")) other.disabled = true;
          post({ vote: value, turn: reply.turn, lang }, null);
        });
        vote.setAttribute("aria-label", label(name, lang));
        actions.appendChild(vote);
      }
    }
    if (reply.topics) actions.appendChild(button(label("topics", lang), "action topics", () => post({ topics: true, lang }, null)));
    if (actions.childElementCount) message.appendChild(actions);
    addMessage("bot", message);
  }

  async function call(body) {
    const headers = { "Content-Type": "application/json" };
    if (session) headers["X-Session"] = session;
    let told = false;
    for (let attempt = 0; attempt < RETRIES; attempt += 1) {
      let response;
      try {
        response = await fetch("api/message", { method: "POST", headers, body: JSON.stringify(body), credentials: "omit" });
      } catch (error) {
        if (!told) showNote(label("offline"));
        told = true;
        await pause(attempt);
        continue;
      }
      let answer = null;
      try {
        answer = await response.json();
      } catch (error) {
        answer = null;
      }
      if (answer && typeof answer.session === "string") {
        session = answer.session;
        headers["X-Session"] = session;
        try {
          sessionStorage.setItem("faq-session", session);
        } catch (error) {
          // not kept: this page still has it in memory
        }
      }
      if (response.status === 502 || response.status === 503 || response.status === 504) {
        // a proxy in front while the server restarts: try again, as for a dropped connection
        if (!told) showNote(label("offline"));
        told = true;
        await pause(attempt);
        continue;
      }
      if (!response.ok) {
        showNote((answer && answer.error) || label("failed"));
        return null;
      }
      return answer;
    }
    showNote(label("failed"));
    return null;
  }

  async function exchange(body) {
    busy = true;
    send.disabled = true;
    try {
      return await call(body);
    } finally {
      busy = false;
      send.disabled = false;
    }
  }

  async function post(body, echo) {
    if (busy) return false;
    if (echo) showUser(echo);
    const answer = await exchange(body);
    for (const reply of (answer && answer.replies) || []) showReply(reply);
    return true;
  }

  function ask(text) {
    const question = text.trim();
    if (!question) return false;
    post({ text: question }, question);
    return true;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return; // keep what was typed until the last answer is in
    if (ask(box.value)) box.value = "";
    box.focus();
  });

  post({ hello: true }, null);
})();
