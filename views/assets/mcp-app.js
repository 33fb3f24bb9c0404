/*
 * The view side of Larder's MCP app (MCP Apps, the io.modelcontextprotocol/ui extension):
 * it greets the host (ui/initialize), then shows the nutrition-facts panels Larder put in
 * each tool result's _meta. Links open through the host (ui/open-link), since the frame
 * may not navigate. Inlined into the app page; no network, no dependencies.
 */
/* global window, document */
(function () {
  'use strict';
  var PANELS_KEY = 'larder/nutrition-facts';
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
  function show(result) {
    if (!result) return;
    var panels = result._meta && result._meta[PANELS_KEY];
    if (typeof panels === 'string' && panels !== '') {
      // Larder rendered this HTML from its own escaped templates (views/mcp-facts.eta).
      root.innerHTML = panels;
    } else if (result.isError) {
      var text = (result.content || []).filter(function (c) { return c.type === 'text'; }).map(function (c) { return c.text; }).join(' ');
      root.textContent = text || 'Larder could not answer.';
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
  // ChatGPT's Apps SDK also hands the result's _meta to the view directly.
  if (window.openai && window.openai.toolResponseMetadata) show({ _meta: window.openai.toolResponseMetadata });
})();
