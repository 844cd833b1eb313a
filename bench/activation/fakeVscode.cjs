'use strict';
/**
 * A stand-in for the `vscode` module, for the activation benchmark only (not a test double: nothing
 * here checks behaviour). Every API answers with an inert, recording object; the few values
 * activation reads (open documents, settings, the diagnostic collection) are plain data.
 */

const calls = [];
const diagnosticsSet = [];

/** Any value: callable, constructible, every property another such value, awaiting it is not possible. */
function anything(path) {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'dispose') return () => undefined;
      if (typeof key === 'symbol') return undefined;
      if (!cache.has(key)) cache.set(key, anything(`${path}.${key}`));
      return cache.get(key);
    },
    apply(_, __, args) {
      calls.push(path);
      return anything(`${path}()`);
    },
    construct() {
      calls.push(`new ${path}`);
      return anything(`new ${path}`);
    },
  });
}

const disposable = () => ({ dispose() {} });
const event = () => () => disposable();

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener) => {
      this.listeners.add(listener);
      return { dispose: () => this.listeners.delete(listener) };
    };
  }
  fire(value) {
    for (const listener of this.listeners) listener(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Disposable {
  constructor(callback) {
    this.callback = callback;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose() {
    this.callback?.();
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(fsPath) {
    return new Uri('file', fsPath);
  }
  static parse(value) {
    return new Uri(value.split(':')[0], value.replace(/^[a-z]+:\/*/, '/'));
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, [base.fsPath, ...parts].join('/'));
  }
  static from(parts) {
    return new Uri(parts.scheme, parts.path ?? '');
  }
  with() {
    return this;
  }
  toString() {
    return `${this.scheme}://${this.fsPath}`;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(start, end) {
    this.start = start;
    this.end = end;
  }
}

class Diagnostic {
  constructor(range, message, severity) {
    Object.assign(this, { range, message, severity });
  }
}

/** Documents "open" at activation; the probe fills it before requiring the extension. */
const textDocuments = [];

const collection = {
  set(uri, diagnostics) {
    diagnosticsSet.push({ at: performance.now(), uri: String(uri), count: diagnostics.length });
  },
  get: () => undefined,
  delete() {},
  clear() {},
  dispose() {},
};

const base = anything('vscode');
const overrides = {
  EventEmitter,
  Disposable,
  Uri,
  Position,
  Range,
  Diagnostic,
  Location: class {},
  ThemeIcon: class {},
  ThemeColor: class {},
  TreeItem: class {},
  MarkdownString: class {},
  RelativePattern: class {},
  CodeAction: class {},
  WorkspaceEdit: class {},
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  EndOfLine: { LF: 1, CRLF: 2 },
  workspace: new Proxy(
    {
      textDocuments,
      workspaceFolders: undefined,
      isTrusted: true,
      getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => undefined }),
      findFiles: async () => [],
      getWorkspaceFolder: () => undefined,
      createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
      registerTextDocumentContentProvider: disposable,
    },
    { get: (target, key) => (key in target ? target[key] : typeof key === 'string' && key.startsWith('onDid') ? event() : base.workspace[key]) },
  ),
  languages: new Proxy(
    { createDiagnosticCollection: () => collection, registerCodeActionsProvider: disposable },
    { get: (target, key) => (key in target ? target[key] : base.languages[key]) },
  ),
  window: new Proxy(
    {
      createOutputChannel: () => new Proxy({}, { get: (_, key) => (key === 'logLevel' ? 2 : key === 'onDidChangeLogLevel' ? event() : () => undefined) }),
      createTreeView: () => ({ visible: false, onDidChangeVisibility: event(), onDidChangeSelection: event(), dispose() {} }),
    },
    { get: (target, key) => (key in target ? target[key] : base.window[key]) },
  ),
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  CodeActionKind: { QuickFix: { value: 'quickfix', append: () => ({}), contains: () => true } },
  DiagnosticRelatedInformation: class {},
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  env: anything('vscode.env'),
  extensions: anything('vscode.extensions'),
  __bench: { calls, diagnosticsSet, textDocuments },
};

// A plain object, not a Proxy: bundlers copy the module's own keys (`__toESM`), which a Proxy without
// an ownKeys trap would hide.
module.exports = overrides;
