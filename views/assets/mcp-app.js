/*
 * The view side of Larder's MCP app (MCP Apps, the io.modelcontextprotocol/ui extension):
 * it greets the host (ui/initialize), then shows the nutrition-facts panel of each food in
 * a tool result's structured content (LARDER_FACTS.panelsOf, mcp-facts.js: the panel
 * templates Larder compiled into this page). Links open through the host (ui/open-link),
 * since the frame may not navigate. Inlined into the app page; no network, no dependencies.
 */
/* global window, document, LARDER_FACTS */
(function () {
  'use strict';
  // The MCP Apps revision this view speaks (@modelcontextprotocol/ext-apps LATEST_PROTOCOL_VERSION).
  var PROTOCOL_VERSION = '2026-01-26';
  var root = document.getElementById('panels');
  var nextId = 1;
  var initializeId;

  function send(message) {
    message.jsonrpc = '2.0';
    window.parent.postMessage(message, '*');
  }
  function request(method, params) {
    var id = nextId++;
    send({ id: id, method: method, params: params });
    return id;
  }
  function reportSize() {
    send({ method: 'ui/notifications/size-changed', params: { width: Math.ceil(window.innerWidth), height: Math.ceil(document.documentElement.getBoundingClientRect().height) } });
  }
  function errorText(result) {
    var text = (result.content || []).filter(function (c) { return c.type === 'text'; }).map(function (c) { return c.text; }).join(' ');
    return text || 'Larder could not answer.';
  }
  function show(result) {
    if (!result) return;
    var panels = '';
    try {
      panels = result.isError ? '' : LARDER_FACTS.panelsOf(result.structuredContent);
    } catch {
      panels = '<p class="source">Larder could not show these nutrition facts.</p>';
    }
    if (panels !== '') {
      root.innerHTML = panels;
    } else if (result.isError) {
      root.textContent = errorText(result);
    }
    reportSize();
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent) return;
    var message = event.data;
    if (!message || message.jsonrpc !== '2.0') return;
    if (message.id !== undefined && message.id === initializeId && (message.result || message.error)) {
      send({ method: 'ui/notifications/initialized', params: {} });
      reportSize();
    } else if (message.method === 'ui/notifications/tool-result') {
      show(message.params);
    } else if ((message.method === 'ui/resource-teardown' || message.method === 'ping') && message.id !== undefined) {
      send({ id: message.id, result: {} });
    }
  });

  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a[href]') : null;
    if (!link) return;
    event.preventDefault();
    request('ui/open-link', { url: link.href });
  });

  initializeId = request('ui/initialize', {
    appInfo: { name: 'Larder nutrition facts', version: '1.0.0' },
    appCapabilities: {},
    protocolVersion: PROTOCOL_VERSION,
  });
  // ChatGPT's Apps SDK also hands the result's structured content to the view directly.
  if (window.openai && window.openai.toolOutput) show({ structuredContent: window.openai.toolOutput });
})();
