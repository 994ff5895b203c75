// Picks the palette (?theme=dark|light|hc) the way VS Code marks the body.
(function () {
  var t = new URLSearchParams(location.search).get('theme') || 'dark';
  var cls = t === 'light' ? 'vscode-light' : t === 'hc' ? 'vscode-high-contrast' : 'vscode-dark';
  document.body.classList.add(cls);
  document.getElementById('theme').setAttribute('href', 'theme-' + t + '.css');
})();
