// @ts-check
// The sizing calculator's page. It lays out the inputs and the answers; every number it shows comes
// from the extension (core/sizing.ts), never from arithmetic here.
//
// Messages (see src/extension/sizingModel.ts):
//   page → extension: { type: 'ready' } | { type: 'compute', key, input: SizingInput }
//   extension → page: { type: 'init', servers: [{ key, origin, input }] }
//                   | { type: 'result', key, result: SizingResult } | { type: 'invalid', key, message }
(function () {
  // @ts-ignore acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  /** @type {{ servers: Array<{ key: string, origin: string, input: any }>, selected: string | undefined, inputs: Record<string, any> }} */
  const state = vscode.getState() || { servers: [], selected: undefined, inputs: {} };
  /** @type {{ key: string, result?: any, message?: string } | undefined} */
  let answer;
  /** @type {number | undefined} */
  let pending;

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'init') {
      state.servers = message.servers;
      for (const server of message.servers) if (!state.inputs[server.key]) state.inputs[server.key] = clone(server.input);
      if (!state.servers.some((s) => s.key === state.selected)) state.selected = state.servers[0] && state.servers[0].key;
      save();
      render();
      compute();
    } else if ((message.type === 'result' || message.type === 'invalid') && message.key === state.selected) {
      answer = message;
      renderAnswer();
    }
  });

  function save() {
    vscode.setState(state);
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function current() {
    return state.selected ? state.inputs[state.selected] : undefined;
  }

  function compute() {
    const input = current();
    if (!input) return;
    if (pending !== undefined) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      vscode.postMessage({ type: 'compute', key: state.selected, input });
    }, 150);
  }

  /** Creates an element with attributes and children; text is always set as text, never parsed as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== undefined && child !== null) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  }

  /** A number input bound to `target[field]`; empty means "not given" for optional fields. */
  function numberInput(target, field, label, options) {
    const id = `input-${Math.random().toString(36).slice(2)}`;
    const input = el('input', {
      id,
      type: 'number',
      min: options.min,
      step: options.step || 1,
      value: target[field] === undefined ? '' : target[field],
      placeholder: options.placeholder,
      'aria-label': label,
      oninput: (event) => {
        const text = event.target.value;
        if (text === '') {
          if (options.optional) delete target[field];
          else target[field] = Number.NaN;
        } else {
          target[field] = Number(text);
        }
        save();
        compute();
      },
    });
    return { id, input };
  }

  function field(target, name, label, hint, options) {
    const { id, input } = numberInput(target, name, label, options);
    return el('div', { class: 'field' }, el('label', { for: id }, label), input, hint ? el('span', { class: 'hint' }, hint) : undefined);
  }

  function render() {
    app.replaceChildren();
    const input = current();
    if (!input) {
      app.append(el('p', {}, 'Nothing to size yet.'));
      return;
    }
    const server = state.servers.find((s) => s.key === state.selected);
    app.append(el('h1', {}, 'Pool Sizing'));
    if (state.servers.length > 1) {
      const select = el(
        'select',
        {
          id: 'server',
          onchange: (event) => {
            state.selected = event.target.value;
            answer = undefined;
            save();
            render();
            compute();
          },
        },
        state.servers.map((s) => el('option', { value: s.key, selected: s.key === state.selected }, s.key)),
      );
      app.append(el('div', { class: 'field' }, el('label', { for: 'server' }, 'Server'), select));
    }
    if (server) app.append(el('p', { class: 'origin' }, `Prefilled ${server.origin}.`));

    app.append(
      el(
        'fieldset',
        {},
        el('legend', {}, 'Server'),
        field(input, 'maxConnections', 'max_connections', undefined, { min: 1 }),
        field(input, 'superuserReserved', 'superuser_reserved_connections', undefined, { min: 0 }),
        field(input, 'reserved', 'reserved_connections', 'PostgreSQL 16+', { min: 0 }),
        field(input, 'headroom', 'Headroom', 'slots kept free for admin, migrations, cron', { min: 0, optional: true, placeholder: '5' }),
        field(input, 'cores', 'Cores', 'physical cores of the database server; SQL cannot read this', { min: 1, optional: true, placeholder: 'unknown' }),
        field(input, 'spindles', 'Spindles', '0 for SSD or cached data', { min: 0, optional: true, placeholder: '0' }),
        el(
          'div',
          { class: 'field' },
          el(
            'label',
            { class: 'checkbox' },
            el('input', {
              type: 'checkbox',
              checked: input.serverless === true,
              onchange: (event) => {
                if (event.target.checked) input.serverless = true;
                else delete input.serverless;
                save();
                compute();
              },
            }),
            ' Serverless or autoscaled instances',
          ),
        ),
      ),
    );

    const rows = input.pools.map((pool, index) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, pool.name),
        el('td', {}, numberInput(pool, 'instances', `instances of ${pool.name}`, { min: 1 }).input),
        el('td', {}, numberInput(pool, 'share', `share of ${pool.name}`, { min: 0.1, step: 0.5, optional: true, placeholder: '1' }).input),
        el('td', {}, numberInput(pool, 'currentMax', `current max of ${pool.name}`, { min: 1, optional: true, placeholder: 'unknown' }).input),
        el('td', { class: 'number' }, pool.observedPeak === undefined ? '—' : String(pool.observedPeak)),
        el('td', { class: 'number recommended', id: `recommended-${index}` }, '…'),
      ),
    );
    app.append(
      el(
        'table',
        {},
        el('caption', {}, 'Pools on this server'),
        el(
          'thead',
          {},
          el('tr', {}, ['Pool', 'Instances', 'Share', 'max now', 'Sessions now', 'Recommended max'].map((title) => el('th', { scope: 'col' }, title))),
        ),
        el('tbody', {}, rows),
      ),
    );
    app.append(el('div', { id: 'answer' }));
    app.append(
      el(
        'button',
        {
          type: 'button',
          onclick: () => {
            if (!server) return;
            state.inputs[server.key] = clone(server.input);
            save();
            render();
            compute();
          },
        },
        'Reset to Prefilled Values',
      ),
    );
    renderAnswer();
  }

  function renderAnswer() {
    const target = document.getElementById('answer');
    const input = current();
    if (!target || !input) return;
    target.replaceChildren();
    input.pools.forEach((_, index) => {
      const cell = document.getElementById(`recommended-${index}`);
      if (cell) cell.textContent = '…';
    });
    if (!answer) return;
    if (answer.message !== undefined) {
      target.append(el('p', { class: 'invalid', role: 'alert' }, answer.message));
      return;
    }
    const result = answer.result;
    result.recommendations.forEach((recommendation, index) => {
      const cell = document.getElementById(`recommended-${index}`);
      if (cell) cell.textContent = String(recommendation.max);
    });
    target.append(
      el(
        'p',
        { class: 'summary' },
        `Usable ${result.usable} · budget ${result.budget} · Σ(max × instances) at the recommended values ${result.totalAtRecommended}` +
          (result.totalAtCurrent === undefined ? '' : ` · at today's max ${result.totalAtCurrent}`),
      ),
    );
    if (result.warnings.length) {
      target.append(el('ul', { class: 'warnings', role: 'alert' }, result.warnings.map((warning) => el('li', {}, warning))));
    }
    target.append(el('h2', {}, 'Reasoning'), el('ol', { class: 'lines' }, result.lines.map((line) => el('li', {}, line))));
  }

  if (state.servers.length) render();
  vscode.postMessage({ type: 'ready' });
})();
