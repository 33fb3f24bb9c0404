/* global document */
// Progressive enhancement only: every page works without this file (Larder's pages allow no
// inline script, and forms post as they are).
(function () {
  'use strict';

  function browserTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      return '';
    }
  }

  // Registration: the hidden time_zone field gets this browser's zone, so "today" in the
  // diary is the person's own from the start (the server keeps UTC when it is empty or unknown).
  function fillDetectedTimeZones(zone) {
    var fields = document.querySelectorAll('input[data-browser-time-zone]');
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].value) fields[i].value = zone;
    }
  }

  // /account: offer this browser's zone when it differs from the one saved.
  function offerBrowserTimeZone(button, zone) {
    var select = document.getElementById(button.getAttribute('data-use-browser-time-zone'));
    if (!select || !zone || select.value === zone) return;
    var known = false;
    for (var i = 0; i < select.options.length; i++) if (select.options[i].value === zone) known = true;
    if (!known) return;
    button.textContent = 'Use this browser\u2019s time zone (' + zone + ')';
    button.hidden = false;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      select.value = zone;
      select.focus();
    });
  }

  function start() {
    var zone = browserTimeZone();
    fillDetectedTimeZones(zone);
    var buttons = document.querySelectorAll('button[data-use-browser-time-zone]');
    for (var i = 0; i < buttons.length; i++) offerBrowserTimeZone(buttons[i], zone);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
