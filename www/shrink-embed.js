// shrink-embed.js: one script tag turns placeholders into Shrink panels, each an iframe of
// embed.html sized to its content.
//
//   <script src="https://example.org/docs/shrink/shrink-embed.js" defer></script>
//   <div data-shrink-panel="prune" data-settings="prune.sparsity=0.8&hide=seed&data=small"></div>
//   <shrink-panel panel="train" settings="epochs=1&hide=lr"></shrink-panel>
//
// embed.html is looked up next to this script, so the folder works from any host and subpath.
// The panel posts {source: 'shrink', type: 'height', height} to this page whenever its height
// changes; only messages from this script's origin and from one of its own iframes are used.
// A classic script (no module), so one plain tag works in mdBook, MkDocs, Sphinx and Docusaurus.
(function () {
  'use strict';
  if (window.ShrinkEmbed) return; // the tag twice on a page: one listener is enough
  var script = document.currentScript;
  var base = new URL('.', script && script.src ? script.src : window.location.href);
  var frames = [];
  var MIN_HEIGHT = 80;
  var MAX_HEIGHT = 20000;

  /** The iframe's address: embed.html#panel=NAME&<settings>. */
  function frameUrl(panel, settings) {
    var hash = 'panel=' + encodeURIComponent(panel);
    var extra = String(settings || '').replace(/^[#&]+/, '');
    if (extra) hash += '&' + extra;
    return new URL('embed.html#' + hash, base).href;
  }

  function attr(host, names) {
    for (var i = 0; i < names.length; i++) {
      var v = host.getAttribute(names[i]);
      if (v !== null) return v;
    }
    return null;
  }

  /** Replaces the placeholder's content by the panel's iframe (once per placeholder). */
  function mount(host) {
    if (host.getAttribute('data-shrink-mounted')) return host.querySelector('iframe');
    host.setAttribute('data-shrink-mounted', '1');
    var panel = attr(host, ['data-shrink-panel', 'panel']) || 'train';
    var settings = attr(host, ['data-settings', 'settings']) || '';
    var height = parseInt(attr(host, ['data-height', 'height']) || '480', 10);
    var iframe = document.createElement('iframe');
    iframe.src = frameUrl(panel, settings);
    iframe.title = attr(host, ['data-title', 'title']) || 'Shrink: the ' + panel + ' panel (interactive)';
    // Threads need cross-origin isolation; the frame may have it where this page has it too.
    iframe.allow = 'cross-origin-isolated';
    // An isolated docs page (COEP require-corp) may then frame a host that sends no headers.
    if (window.crossOriginIsolated) iframe.setAttribute('credentialless', '');
    iframe.setAttribute('data-shrink-frame', panel);
    iframe.style.cssText = 'display:block;width:100%;border:0;overflow:hidden;height:' +
      Math.max(MIN_HEIGHT, height || 480) + 'px';
    host.textContent = '';
    host.appendChild(iframe);
    frames.push(iframe);
    return iframe;
  }

  /** Mounts every `[data-shrink-panel]` in `root` (the document by default). */
  function scan(root) {
    var hosts = (root || document).querySelectorAll('[data-shrink-panel]');
    for (var i = 0; i < hosts.length; i++) mount(hosts[i]);
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== base.origin) return;
    var d = e.data;
    if (!d || d.source !== 'shrink' || d.type !== 'height' || typeof d.height !== 'number') return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) {
        var h = Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, d.height)));
        frames[i].style.height = h + 'px';
        frames[i].setAttribute('data-shrink-height', String(h));
      }
    }
  });

  if (window.customElements && !window.customElements.get('shrink-panel')) {
    window.customElements.define('shrink-panel', class extends HTMLElement {
      connectedCallback() {
        this.style.display = 'block';
        mount(this);
      }
    });
  }

  window.ShrinkEmbed = { mount: mount, scan: scan, base: base.href };
  // Single-page docs (Docusaurus) render placeholders after load: watch for them.
  function watch() {
    scan();
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].addedNodes.length) {
          scan();
          return;
        }
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', watch);
  } else {
    watch();
  }
})();
