/*
 * corridor data-error report widget: select a wrong figure, press Ctrl+Enter (or the
 * "Report an error" button), add a comment, send. Plain JS, no library, no HTML built from
 * text: everything a reader selects or types goes into the page through textContent/value.
 *
 * Include it with a script tag whose src is /static/report-widget.js, or inline it in a
 * self-contained page (this file has no closing script tag in it, so it can be pasted inside
 * one); it starts by itself with the endpoint "/reports" on a served page. Settings: data-*
 * attributes of that script tag (data-auto="false" stops the automatic start), or the
 * options of corridorReportWidget.init({...}), which a self-contained report calls itself:
 *   endpoint     URL of POST /reports; null/"" = no server (the report is offered as text to
 *                copy or mail). Default "/reports" on http(s) pages, none on file: pages.
 *   mailto       address for the mail fallback (data-mailto).
 *   dataVersion  network fingerprint of the page's data; default <meta name="corridor-data-version">,
 *                else the server's GET {endpoint}/limits.
 *   query        the query that made the page (string or function); default the nearest
 *                [data-query] attribute, else location.search, else the page's first form.
 *   button       false to hide the floating "Report an error" button (data-button="false").
 */
(function (global) {
  "use strict";

  var CONTEXT_CHARS = 200;
  var LIMITS = { selected_text: 500, context_before: 1000, context_after: 1000, comment: 2000,
                 source_url: 500, page: 500, query: 1000, data_version: 64 };
  var STOP_AT = /^(TABLE|SECTION|ARTICLE|ASIDE|MAIN|FORM|BODY)$/;
  var CSS = [
    ".crw-button{position:fixed;right:12px;bottom:28px;z-index:10000;font:13px system-ui,sans-serif;",
    "padding:6px 10px;border:1px solid #888;border-radius:4px;background:#fff;color:#222;cursor:pointer}",
    ".crw-button:focus-visible,.crw-dialog :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}",
    ".crw-dialog{max-width:34rem;width:calc(100% - 2rem);border:1px solid #888;border-radius:8px;",
    "font:14px/1.4 system-ui,sans-serif;color:#1b1b1b;padding:1rem 1.2rem}",
    ".crw-dialog::backdrop{background:rgba(0,0,0,.35)}",
    ".crw-dialog h2{font-size:1.1rem;margin:0 0 .6rem}",
    ".crw-quote{background:#f4f4f4;border-left:4px solid #999;padding:.4rem .6rem;margin:0 0 .6rem;",
    "white-space:pre-wrap;overflow-wrap:anywhere;max-height:9rem;overflow:auto}",
    ".crw-quote .crw-ctx{color:#666}.crw-quote mark{background:#ffe066;color:#000}",
    ".crw-dialog label{display:block;margin:.4rem 0}",
    ".crw-dialog textarea,.crw-dialog input{display:block;width:100%;box-sizing:border-box;font:inherit;margin-top:.2rem}",
    ".crw-dialog textarea{min-height:4.5rem}.crw-row{display:flex;gap:.5rem;justify-content:flex-end;margin-top:.8rem}",
    ".crw-status{min-height:1.2em;margin:.5rem 0 0}.crw-status.crw-error{color:#b00020}",
    ".crw-hint{color:#666;font-size:.85em;margin:.3rem 0 0}.crw-fallback textarea{min-height:7rem;font-family:monospace}",
  ].join("");

  var state = { options: null, dialog: null, button: null, remembered: null, collapsedAt: 0, returnFocus: null,
                version: null, started: false };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function squeeze(text) { return text.replace(/\s+/g, " "); }

  function clip(text, limit) { return text.length > limit ? text.slice(0, limit) : text; }

  function inWidget(node) {
    var e = node && (node.nodeType === 1 ? node : node.parentElement);
    return !!(e && e.closest && e.closest(".crw-dialog, .crw-button"));
  }

  function isBlock(element) {
    var display = global.getComputedStyle(element).display;
    return display !== "inline" && display !== "contents" && display !== "none";
  }

  // The text before and after `range` inside `container`, with a space where blocks or cells meet.
  function textAround(range, container) {
    var before = "", after = "";
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
      acceptNode: function (n) {
        if (n.nodeType === 1) {
          return /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(n.tagName) || inWidget(n)
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    var node;
    while ((node = walker.nextNode())) {
      if (node.nodeType === 1) {
        if (isBlock(node) || node.tagName === "BR") {
          var where = range.comparePoint(node, 0);
          if (where < 0) before += " ";
          else if (where > 0) after += " ";
        }
        continue;
      }
      if (node === range.startContainer || node === range.endContainer) {
        if (node === range.startContainer) before += node.data.slice(0, range.startOffset);
        if (node === range.endContainer) after += node.data.slice(range.endOffset);
      } else {
        var side = range.comparePoint(node, 0);
        if (side < 0) before += node.data;
        else if (side > 0) after += node.data;
      }
    }
    before = squeeze(before).replace(/^ /, "");  // a block boundary at the container's edges
    after = squeeze(after).replace(/ $/, "");
    return { before: before.slice(Math.max(0, before.length - CONTEXT_CHARS)), after: after.slice(0, CONTEXT_CHARS) };
  }

  // A snapshot of a selection: its text, what surrounds it, and the element it is in.
  function snapshot(range) {
    var text = range.toString();
    if (!text.trim() || inWidget(range.commonAncestorContainer)) return null;
    var node = range.commonAncestorContainer;
    var container = node.nodeType === 1 ? node : node.parentElement;
    while (container.parentElement && !STOP_AT.test(container.tagName) &&
           squeeze(container.textContent || "").length < text.length + 80) {
      container = container.parentElement;
    }
    var around = textAround(range, container);
    return { text: text, before: around.before, after: around.after, element: container };
  }

  function currentSelection() {
    var sel = global.getSelection && global.getSelection();
    if (!sel || !sel.rangeCount || sel.isCollapsed) return null;
    return snapshot(sel.getRangeAt(0));
  }

  function option(name, fallback) {
    var o = state.options || {};
    return o[name] === undefined ? fallback : o[name];
  }

  function pageQuery(element) {
    var q = option("query", null);
    if (typeof q === "function") q = q(element);
    if (q) return String(q);
    var holder = element && element.closest ? element.closest("[data-query]") : null;
    if (holder) return holder.getAttribute("data-query");
    if (global.location.search) return global.location.search;
    var form = document.querySelector("form");
    if (!form || inWidget(form)) return "";
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value !== "") params.append(key, value);
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function validVersion(v) { return typeof v === "string" && /^[A-Za-z0-9._:+-]{1,64}$/.test(v) ? v : null; }

  function dataVersion() {
    var given = validVersion(option("dataVersion", null));
    var meta = document.querySelector('meta[name="corridor-data-version"]');
    var found = given || validVersion(meta && meta.getAttribute("content"));
    if (found) return Promise.resolve(found);
    if (state.version) return Promise.resolve(state.version);
    var endpoint = option("endpoint", null);
    if (!endpoint || !global.fetch) return Promise.resolve("");
    return global.fetch(endpoint.replace(/\/+$/, "") + "/limits")
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (body) { state.version = validVersion(body.data_version) || ""; return state.version; })
      .catch(function () { return ""; });
  }

  function reportText(payload) {
    return [
      "corridor data-error report",
      "selected: " + payload.selected_text,
      "context: \u2026" + payload.context_before + "[" + payload.selected_text + "]" + payload.context_after + "\u2026",
      "comment: " + (payload.comment || "(none)"),
      "source: " + (payload.source_url || "-"),
      "page: " + payload.page,
      "query: " + (payload.query || "-"),
      "data version: " + (payload.data_version || "?"),
      "time: " + new Date().toISOString(),
    ].join("\n");
  }

  function closeDialog() {
    if (!state.dialog) return;
    var dialog = state.dialog;
    state.dialog = null;
    if (dialog.open) dialog.close();
    dialog.remove();
    state.remembered = null;
    if (state.returnFocus && state.returnFocus.focus && document.contains(state.returnFocus)) state.returnFocus.focus();
  }

  function open(picked) {
    closeDialog();
    state.returnFocus = document.activeElement;
    var endpoint = option("endpoint", null);
    var dialog = el("dialog", { "class": "crw-dialog", "aria-labelledby": "crw-title" });
    dialog.appendChild(el("h2", { id: "crw-title" }, "Report an error in the data"));

    var typed = null;
    if (picked) {
      dialog.appendChild(el("p", {}, "The text you selected, in its context:"));
      var quote = el("blockquote", { "class": "crw-quote", "data-crw": "selection" });
      quote.appendChild(el("span", { "class": "crw-ctx" }, "\u2026" + picked.before));
      quote.appendChild(el("mark", {}, picked.text));
      quote.appendChild(el("span", { "class": "crw-ctx" }, picked.after + "\u2026"));
      dialog.appendChild(quote);
    } else {
      var typedLabel = el("label", {}, "Which text or figure is wrong?");
      typed = el("input", { type: "text", name: "selected_text", maxlength: String(LIMITS.selected_text), required: "" });
      typedLabel.appendChild(typed);
      dialog.appendChild(typedLabel);
      dialog.appendChild(el("p", { "class": "crw-hint" }, "Tip: select the text on the page, then press Ctrl+Enter."));
    }
    var commentLabel = el("label", {}, "What is wrong, and what is right?");
    var comment = el("textarea", { name: "comment", maxlength: String(LIMITS.comment) });
    commentLabel.appendChild(comment);
    var sourceLabel = el("label", {}, "Source link (optional)");
    var source = el("input", { type: "url", name: "source_url", maxlength: String(LIMITS.source_url),
                               placeholder: "https://\u2026" });
    sourceLabel.appendChild(source);
    var status = el("p", { "class": "crw-status", role: "status", "aria-live": "polite" });
    var fallback = el("div", { "class": "crw-fallback", hidden: "" });
    var row = el("div", { "class": "crw-row" });
    var cancel = el("button", { type: "button", "data-crw": "cancel" }, "Cancel");
    var send = el("button", { type: "button", "data-crw": "send" }, endpoint ? "Send report" : "Prepare report");
    row.appendChild(cancel);
    row.appendChild(send);
    [commentLabel, sourceLabel, el("p", { "class": "crw-hint" }, "Ctrl+Enter sends, Escape closes."), status,
     fallback, row].forEach(function (n) { dialog.appendChild(n); });

    function say(text, isError) {
      status.textContent = text;
      status.className = "crw-status" + (isError ? " crw-error" : "");
    }

    function payload() {
      var element = picked ? picked.element : null;
      return {
        selected_text: clip(picked ? picked.text : typed.value, LIMITS.selected_text),
        context_before: clip(picked ? picked.before : "", LIMITS.context_before),
        context_after: clip(picked ? picked.after : "", LIMITS.context_after),
        comment: comment.value,
        source_url: source.value.trim(),
        page: clip(global.location.href, LIMITS.page),
        query: clip(pageQuery(element), LIMITS.query),
      };
    }

    function offerText(data, why) {
      fallback.replaceChildren();
      fallback.hidden = false;
      var text = reportText(data);
      fallback.appendChild(el("p", {}, why + " Copy the report below and send it to the maintainers:"));
      var box = el("textarea", { readonly: "", "aria-label": "report as text" });
      box.value = text;
      fallback.appendChild(box);
      var copy = el("button", { type: "button", "data-crw": "copy" }, "Copy report");
      copy.addEventListener("click", function () {
        var done = function () { say("Copied. Paste it into an e-mail or an issue."); };
        if (global.navigator.clipboard && global.isSecureContext) {
          global.navigator.clipboard.writeText(text).then(done, function () { box.select(); document.execCommand("copy"); done(); });
        } else {
          box.select();
          document.execCommand("copy");
          done();
        }
      });
      fallback.appendChild(copy);
      var mailto = option("mailto", null);
      if (mailto && /^[^\s@?&#]+@[^\s@?&#]+$/.test(mailto)) {
        var link = el("a", { href: "mailto:" + mailto + "?subject=" +
          encodeURIComponent("corridor data error: " + data.selected_text.slice(0, 60)) +
          "&body=" + encodeURIComponent(text) }, "Send by e-mail");
        fallback.appendChild(document.createTextNode(" "));
        fallback.appendChild(link);
      }
      box.focus();
      box.select();
    }

    function submit() {
      var data = payload();
      if (!data.selected_text.trim()) {
        say("Type the text that is wrong.", true);
        if (typed) typed.focus();
        return;
      }
      if (data.source_url && !/^https?:\/\/\S+$/i.test(data.source_url)) {
        say("The source link must start with http:// or https://.", true);
        source.focus();
        return;
      }
      send.disabled = true;
      say(endpoint ? "Sending\u2026" : "");
      dataVersion().then(function (version) {
        data.data_version = version;
        if (!endpoint || !global.fetch) {
          send.disabled = false;
          offerText(data, "There is no report server for this page.");
          return null;
        }
        return global.fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json" },
                                        body: JSON.stringify(data) })
          .then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (body) {
              send.disabled = false;
              if (response.status === 201) {
                send.hidden = true;
                cancel.textContent = "Close";
                say("Thank you: report #" + body.id + " was received. A maintainer will review it.");
                cancel.focus();
              } else if (response.status === 413 || response.status === 422) {
                say((body.message || "The report was refused.") + " Change it and send again.", true);
              } else {
                say("The report was not stored" + (body.message ? ": " + body.message : "."), true);
                offerText(data, "Nothing was lost.");
              }
            });
          });
      }).catch(function () {
        send.disabled = false;
        say("The report server could not be reached.", true);
        offerText(data, "Nothing was lost.");
      });
    }

    send.addEventListener("click", submit);
    cancel.addEventListener("click", closeDialog);
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); closeDialog(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (!send.hidden && !send.disabled) submit();
      }
    });
    document.body.appendChild(dialog);
    state.dialog = dialog;
    dialog.showModal();
    (typed || comment).focus();
    return dialog;
  }

  function onKeydown(event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || state.dialog) return;
    var picked = currentSelection();
    if (!picked) return;
    event.preventDefault();
    open(picked);
  }

  function onSelectionChange() {
    var sel = global.getSelection();
    if (sel && sel.rangeCount && !sel.isCollapsed && !inWidget(sel.anchorNode)) {
      state.remembered = sel.getRangeAt(0).cloneRange();
      state.collapsedAt = 0;
    } else if (state.remembered && !state.collapsedAt) {
      state.collapsedAt = Date.now();
    }
  }

  // The button: the current selection, or the one a tap on the button itself just cleared.
  function onButton() {
    var picked = currentSelection();
    if (!picked && state.remembered && (!state.collapsedAt || Date.now() - state.collapsedAt < 1500)) {
      picked = snapshot(state.remembered);
    }
    open(picked);
  }

  /**
   * Start the widget (again: later calls replace the options).
   * @param {Object} [options] endpoint, mailto, dataVersion, query, button (see the top of this file).
   * @returns {Object} the widget.
   */
  function init(options) {
    var served = /^https?:$/.test(global.location.protocol);
    state.options = Object.assign({ endpoint: served ? "/reports" : null, button: true }, options || {});
    if (!state.started) {
      state.started = true;
      var style = el("style", {}, CSS);
      document.head.appendChild(style);
      document.addEventListener("keydown", onKeydown);
      document.addEventListener("selectionchange", onSelectionChange);
    }
    if (state.options.button && !state.button) {
      state.button = el("button", { type: "button", "class": "crw-button", "data-crw": "open",
                                    title: "Select a wrong figure or name, then press this (or Ctrl+Enter)" },
                        "Report an error");
      state.button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      state.button.addEventListener("click", onButton);
      document.body.appendChild(state.button);
    } else if (!state.options.button && state.button) {
      state.button.remove();
      state.button = null;
    }
    return api;
  }

  var api = { init: init, open: function () { open(currentSelection()); }, close: closeDialog };
  global.corridorReportWidget = api;

  var script = document.currentScript;
  if (script && script.getAttribute("data-auto") !== "false") {
    var fromTag = {};
    if (script.hasAttribute("data-endpoint")) fromTag.endpoint = script.getAttribute("data-endpoint") || null;
    if (script.hasAttribute("data-mailto")) fromTag.mailto = script.getAttribute("data-mailto");
    if (script.getAttribute("data-button") === "false") fromTag.button = false;
    if (document.readyState === "loading") {  // unless the page calls init() itself meanwhile
      document.addEventListener("DOMContentLoaded", function () { if (!state.options) init(fromTag); });
    } else {
      init(fromTag);
    }
  }
})(window);
