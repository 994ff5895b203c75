// The few parts of the `vscode` API the host-logic tests reach (events, disposables), so a module
// of extension/ that needs no editor can be tested under node. Installed by ./vscode.ts.
class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (fn) => {
      this.listeners.add(fn);
      return { dispose: () => this.listeners.delete(fn) };
    };
  }
  fire(v) {
    for (const fn of [...this.listeners]) fn(v);
  }
  dispose() {
    this.listeners.clear();
  }
}
class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  dispose() {
    this.fn?.();
  }
}
class Uri {
  constructor(path) {
    this.scheme = 'file';
    this.path = path;
    this.fsPath = path;
  }
  static file(p) {
    return new Uri(p);
  }
  toString() {
    return `file://${this.path}`;
  }
}
module.exports = { EventEmitter, Disposable, Uri };
