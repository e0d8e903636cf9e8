// Puts the chat page on another site: a button in the corner that opens it in a frame.
// Include with <script src="https://faq.example.org/widget.js" defer></script>; the page's own
// address is taken from this script's, so nothing needs configuring.
"use strict";

(function () {
  const script = document.currentScript;
  if (!script) return;
  const base = new URL(".", script.src).href;
  const label = script.dataset.label || "在线问答 · Ask";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  Object.assign(button.style, {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000", padding: "10px 16px",
    border: "0", borderRadius: "22px", background: "#b7282e", color: "#fff", font: "15px system-ui, sans-serif",
    boxShadow: "0 2px 8px rgba(0,0,0,.25)", cursor: "pointer",
  });
  let frame = null;
  button.addEventListener("click", () => {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = base;
      frame.title = label;
      Object.assign(frame.style, {
        position: "fixed", right: "16px", bottom: "72px", zIndex: "2147483000", width: "min(380px, calc(100vw - 32px))",
        height: "min(600px, calc(100vh - 96px))", border: "1px solid #d0d4da", borderRadius: "12px", background: "#fff",
        boxShadow: "0 4px 16px rgba(0,0,0,.25)",
      });
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    button.setAttribute("aria-expanded", String(!frame.hidden));
  });
  document.body.appendChild(button);
})();
