/*
 * The view side of Larder's MCP app (MCP Apps, the io.modelcontextprotocol/ui extension):
 * it greets the host (ui/initialize), then shows the nutrition-facts panel of each food in
 * a tool result's structured content, rendered with the panel templates Larder compiled
 * into this page (LARDER_FACTS: views/mcp-facts.eta and what it includes, or the operator's,
 * escaping as on the server). Links open through the host (ui/open-link), since the frame
 * may not navigate. Inlined into the app page; no network, no dependencies.
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
  // Eta's runtime, as the compiled templates call it: `this.config`, and `this.render` for includes.
  var ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  var eta = {
    config: {
      escapeFunction: function (value) {
        return String(value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
      },
      filterFunction: function (value) { return String(value); },
    },
    render: function (name, data, options) {
      var template = LARDER_FACTS.templates[String(name).replace(/^[./]+/, '').replace(/\.eta$/, '')];
      if (!template) throw new Error('Template not found: ' + name);
      return template.call(eta, data, options);
    },
  };
  // One food's panel, from the same facts as its page: the nutrition list as the plan shows it.
  function panelOf(food) {
    return eta.render('mcp-facts', {
      name: food.name,
      url: food.url,
      source: food.source.dataset + ', food ' + food.source.id,
      basis: food.nutrition_basis.replace(/^per /, ''),
      rows: food.nutrition.map(function (entry) {
        var flags = LARDER_FACTS.nutrients[entry.name];
        return { name: entry.name, amount: entry.amount, unit: entry.unit, sub: Boolean(flags && flags.sub), main: Boolean(flags && flags.main) };
      }),
    }, {});
  }
  // search_foods answers { data: [foods] }, get_food { data: food }.
  function foodsOf(structured) {
    var data = structured && structured.data;
    if (Array.isArray(data)) return data;
    return data && typeof data === 'object' ? [data] : [];
  }
  function errorText(result) {
    var text = (result.content || []).filter(function (c) { return c.type === 'text'; }).map(function (c) { return c.text; }).join(' ');
    return text || 'Larder could not answer.';
  }
  function show(result) {
    if (!result) return;
    var foods = result.isError ? [] : foodsOf(result.structuredContent);
    if (foods.length > 0) {
      try {
        root.innerHTML = foods.map(panelOf).join('\n');
      } catch {
        root.textContent = 'Larder could not show these nutrition facts.';
      }
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
