/*
 * The panel renderer of Larder's MCP app, inlined into the app page after LARDER_FACTS (the
 * panel templates Larder compiled from views/mcp-facts.eta and what it includes, or the
 * operator's, and the nutrients' row flags): LARDER_FACTS.panelsOf(structuredContent) is the
 * HTML of the nutrition-facts panel of each food in a search_foods or get_food result, escaped
 * as on the server, one panel a line ('' for none). No network, no dependencies.
 */
/* global window, LARDER_FACTS */
(function () {
  'use strict';
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
  LARDER_FACTS.panelsOf = function (structured) {
    return foodsOf(structured).map(panelOf).join('\n');
  };

  // A view script copied from an earlier Larder (views:publish) reads the panels from the result's
  // _meta, where Larder no longer puts them: they are put there here, before that script sees it.
  if (LARDER_FACTS.panelsInMeta) {
    var key = 'larder/nutrition-facts';
    var withPanels = function (result) {
      if (!result || result.isError) return;
      try {
        var html = LARDER_FACTS.panelsOf(result.structuredContent);
        if (html !== '') result._meta = Object.assign({}, result._meta, { [key]: html });
      } catch {
        // The script shows nothing new, as when the panels were left out.
      }
    };
    window.addEventListener('message', function (event) {
      var message = event.data;
      if (event.source === window.parent && message && message.jsonrpc === '2.0' && message.method === 'ui/notifications/tool-result') withPanels(message.params);
    });
    if (window.openai && window.openai.toolOutput) {
      var panels = { structuredContent: window.openai.toolOutput };
      withPanels(panels);
      if (panels._meta) window.openai.toolResponseMetadata = Object.assign({}, window.openai.toolResponseMetadata, panels._meta);
    }
  }
})();
