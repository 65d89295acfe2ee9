// beaver's web pages: sign in with a password, the approvals inbox, the release list and pages, and
// the dashboard. Plain ES2020, no framework and no build step. Every text from the ledger goes
// through textContent; only the server's own SVG charts are parsed as markup.
'use strict';

// The session is an HttpOnly cookie the server sets; the pages keep only its CSRF token, which
// every change sends back, and ask the server for it again in each new tab.
const state = { user: null, csrf: null, refresh: null };
const REFRESH_MS = 2000;  // a release page while one of its deploys runs

// --- small DOM helpers

// el('p', {class: 'x'}, 'text', child): an element; strings become text nodes.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  const app = document.getElementById('app');
  app.replaceChildren(...nodes);
}

function say(text, kind = 'info') {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = 'message ' + kind;
  box.hidden = !text;
}

function sayError(err) {
  say(err.message || String(err), 'error');
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function link(href, text) {
  return el('a', { href, 'data-nav': true }, text);
}

// --- the API

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new Error('The beaver server cannot be reached: ' + e.message);
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const err = new Error((data && data.error && data.error.message) ||
                          `The server answered ${res.status} ${res.statusText}`);
    err.status = res.status;
    err.kind = data && data.error ? data.error.kind : undefined;
    throw err;
  }
  return data;
}

// --- routing

function navigate(path) {
  history.pushState(null, '', path);
  route();
}

function isLeader() {
  return state.user && state.user.roles.includes('leader');
}

function mayDeploy() {
  return state.user && (state.user.roles.includes('ops') || state.user.roles.includes('admin'));
}

// The page asked for, to come back to after signing in: only a path of this site.
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/(?![\/\\])/.test(next) && !next.startsWith('/signin') ? next : '/';
}

function toSignin(message) {
  state.user = null;
  state.csrf = null;
  const here = location.pathname + location.search;
  if (location.pathname !== '/signin')
    history.replaceState(null, '', '/signin' + (here === '/' ? '' : '?next=' + encodeURIComponent(here)));
  renderSignin();
  if (message) say(message, 'error');
}

async function signOut() {
  try {
    await api('DELETE', '/api/v1/session');
  } catch (err) {
    if (err.status !== 401) return sayError(err);
  }
  history.replaceState(null, '', '/signin');
  toSignin();
  say('You are signed out.', 'ok');
  document.getElementById('who').textContent = '';
}

async function route() {
  clearTimeout(state.refresh);
  say('');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const nav = document.getElementById('nav');
  if (!state.user) {
    try {
      const session = await api('GET', '/api/v1/session');
      state.user = session.user;
      state.csrf = session.csrf;
    } catch (err) {
      nav.hidden = true;
      if (err.status === 401) return toSignin();
      show();
      return sayError(err);
    }
  }
  nav.hidden = false;
  document.getElementById('who').textContent =
      `${state.user.name} (${state.user.roles.join(', ')})`;
  for (const a of nav.querySelectorAll('a[data-nav]'))
    a.classList.toggle('current', path.startsWith(a.getAttribute('href')));
  if (path === '/' || path === '/signin') {
    const next = path === '/signin' ? nextPath() : '/';
    history.replaceState(null, '', next !== '/' ? next : isLeader() ? '/inbox' : '/releases');
    return route();
  }
  let m;
  try {
    if (path === '/inbox') await renderInbox();
    else if (path === '/releases') await renderReleases();
    else if ((m = path.match(/^\/releases\/(\d+)$/))) await renderRelease(m[1]);
    else if (path === '/dashboard') await renderDashboard();
    else if (path === '/rollback') await renderRollback();
    else show(el('h1', { text: 'No such page' }), el('p', {}, link('/inbox', 'Go to the inbox')));
  } catch (err) {
    if (err.status === 401) return toSignin('Your sign-in has ended: ' + err.message);
    sayError(err);
  }
  document.getElementById('app').focus({ preventScroll: true });
}

// --- sign in

function renderSignin() {
  document.getElementById('nav').hidden = true;
  const user = el('input', {
    id: 'user', name: 'username', type: 'text', autocomplete: 'username', required: true,
    spellcheck: 'false', autocapitalize: 'none',
  });
  const password = el('input', {
    id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true,
  });
  const button = el('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const form = el('form', { class: 'signin card', onsubmit: async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      const session = await api('POST', '/api/v1/session',
                                { user: user.value.trim(), password: password.value });
      state.user = session.user;
      state.csrf = session.csrf;
    } catch (err) {
      button.disabled = false;
      password.value = '';
      password.focus();
      return say('Sign-in failed: ' + err.message, 'error');
    }
    const next = nextPath();
    history.replaceState(null, '', next !== '/' ? next : isLeader() ? '/inbox' : '/releases');
    route();
  } },
  el('label', { for: 'user', text: 'User' }), user,
  el('label', { for: 'password', text: 'Password' }), password,
  el('p', { class: 'hint', text: 'An admin sets a first password with: beaver user passwd YOUR-NAME' }),
  button);
  show(el('h1', { text: 'Sign in' }), form);
  user.focus();
}

// --- actions on a release

// Approve and Reject buttons. Neither acts on one tap: each opens a form that repeats what is
// being decided, Approve with an optional comment, Reject with a required one. `done(view)` runs
// after success.
function actionButtons(release, done) {
  const box = el('div', { class: 'actions' });
  const label = `${release.service} ${release.version} to ${release.env}`;
  const what = `${release.type} release #${release.id}: ${label}`;
  const forms = [];
  // decision(action, ...): the form confirming `action`, and the button that opens it.
  const decision = (action, buttonClass, confirmText, commentLabel, required) => {
    const commentId = `${action}-comment-${release.id}`;
    const comment = el('textarea', { id: commentId, rows: 2, required });
    const submit = el('button', { type: 'submit', class: buttonClass, text: confirmText });
    const form = el('form', { class: `${action}-form decision`, hidden: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const text = comment.value.trim();
      if (required && !text) return say('Say why you reject it.', 'error');
      submit.disabled = true;
      try {
        const view = await api('POST', `/api/v1/releases/${release.id}/${action}`,
                               text ? { comment: text } : {});
        say(action === 'approve' ?
          `Release #${view.id} (${label}): your approval is recorded; it is now ${view.status}.` :
          `Release #${view.id} (${label}) is now ${view.status}.`, 'ok');
        await done(view);
      } catch (err) {
        submit.disabled = false;
        sayError(err);
      }
    } },
    el('p', { class: 'confirm', text: `You ${action}: ${what}` }),
    el('label', { for: commentId, text: commentLabel }), comment,
    el('div', { class: 'buttons' }, submit,
       el('button', { type: 'button', text: 'Cancel', onclick: () => open(null) })));
    const button = el('button', {
      type: 'button', class: `${buttonClass} ${action}`, 'aria-expanded': 'false',
      'aria-label': `${action === 'approve' ? 'Approve' : 'Reject'} release ${release.id}: ${label}`,
      text: action === 'approve' ? 'Approve' : 'Reject',
      onclick: () => open(form.hidden ? form : null),
    });
    forms.push({ form, button, comment });
    return { form, button };
  };
  // Shows `form` (or none), the others hidden.
  const open = (form) => {
    for (const f of forms) {
      f.form.hidden = f.form !== form;
      f.button.setAttribute('aria-expanded', String(f.form === form));
      if (f.form === form) f.comment.focus();
    }
  };
  const approve = decision('approve', 'primary', 'Confirm approval', 'Comment (optional)', false);
  // A release deployed by break glass owes its approvals: they are given, never refused.
  if (release.owes_signature) {
    box.append(el('div', { class: 'buttons' }, approve.button), approve.form);
    return box;
  }
  const reject = decision('reject', 'danger', 'Confirm reject', 'Why reject it? (required)', true);
  box.append(el('div', { class: 'buttons' }, approve.button, reject.button), approve.form,
             reject.form);
  return box;
}

function badges(r) {
  return el('span', { class: 'badges' },
            el('span', { class: `badge type-${r.type}`, text: r.type }),
            el('span', { class: `badge status-${r.status}`, text: r.status }),
            r.break_glass ? el('span', { class: 'badge break-glass', text: 'break glass' }) : null);
}

// An emergency deployed before its approvals: who broke the glass, why, and whether its
// approvals are still owed, overdue or given (and when).
function breakGlassNote(r) {
  const b = r.break_glass;
  const said = `Deployed by break glass: ${b.by}, ${when(b.at)}: ${b.reason}. `;
  if (b.signed_at)
    return el('p', { class: 'break-glass' }, said,
              `Its approvals were given ${when(b.signed_at)}${b.signed_late ? `, late (due by ${when(b.sign_by)})` : ''}.`);
  return el('p', { class: `break-glass message ${b.overdue ? 'error' : 'warning'}` }, said,
            b.overdue ? `Its approvals are overdue since ${when(b.sign_by)}.` :
              `Its approvals are owed by ${when(b.sign_by)}.`);
}

function field(name, value) {
  if (value === undefined || value === null || value === '') return null;
  return [el('dt', { text: name }), el('dd', {}, value)];
}

// --- the inbox

async function renderInbox() {
  const list = await api('GET', '/api/v1/inbox');
  const head = el('h1', { text: 'Approvals inbox' });
  if (list.length === 0) {
    show(head, el('p', { class: 'empty', text: 'Nothing waits for your approval.' }));
    return;
  }
  const cards = list.map((r) => el('article', {
    class: 'card release' + (r.type === 'emergency' ? ' emergency' : ''),
    'data-release': r.id,
  },
  el('h2', {}, link(`/releases/${r.id}`, `#${r.id} ${r.service} ${r.version}`), ' ',
     el('span', { class: 'env', text: `to ${r.env}` })),
  badges(r),
  el('dl', {},
     field('Reason', r.reason), field('Category', r.category), field('Commit', r.commit),
     field('Submitter', r.submitter), field('Submitted', when(r.submitted_at)),
     field('Waiting for', r.waiting_for)),
  actionButtons(r, () => renderInbox())));
  show(head, el('p', { class: 'hint', text: `${list.length} waiting, emergencies first.` }),
       el('div', { class: 'cards' }, cards));
}

// --- the release list

const STATUSES = ['submitted', 'approved', 'rejected', 'cancelled', 'deploying', 'deployed',
                  'replaced', 'failed', 'rolled_back', 'interrupted'];

function select(id, label, options, value) {
  return [el('label', { for: id, text: label }),
          el('select', { id, name: id },
             el('option', { value: '', text: 'any' }),
             options.map((o) => el('option', { value: o, text: o, selected: o === value })))];
}

function textInput(id, label, value, type = 'text') {
  return [el('label', { for: id, text: label }),
          el('input', { id, name: id, type, value: value || '' })];
}

const PAGE_SIZE = 50;
const LIST_FILTERS = ['q', 'team', 'service', 'env', 'type', 'status', 'submitter', 'since',
                      'until', 'owing_review', 'owing_signature'];

// The release list a page at a time: "1–50 of 1,234" with the previous and next pages.
async function renderReleases() {
  const params = new URLSearchParams(location.search);
  const form = el('form', { class: 'filters card', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    for (const hidden of ['owing_review', 'owing_signature'])
      if (params.get(hidden)) q.set(hidden, params.get(hidden));
    navigate('/releases' + (q.toString() ? '?' + q : ''));
  } },
  el('div', { class: 'grid' },
     el('div', {}, textInput('q', 'Search reason, version, submitter', params.get('q'), 'search')),
     el('div', {}, textInput('team', 'Team', params.get('team'))),
     el('div', {}, textInput('service', 'Service', params.get('service'))),
     el('div', {}, textInput('env', 'Environment', params.get('env'))),
     el('div', {}, select('type', 'Type', ['normal', 'emergency', 'rollback'], params.get('type'))),
     el('div', {}, select('status', 'Status', STATUSES, params.get('status'))),
     el('div', {}, textInput('submitter', 'Submitter', params.get('submitter'))),
     el('div', {}, textInput('since', 'Submitted since', params.get('since'), 'date')),
     el('div', {}, textInput('until', 'Until (included)', params.get('until'), 'date'))),
  el('button', { type: 'submit', class: 'primary', text: 'Filter' }));
  const query = new URLSearchParams();
  for (const k of LIST_FILTERS) if (params.get(k)) query.set(k, params.get(k));
  const offset = Math.max(0, Number.parseInt(params.get('offset') || '0', 10) || 0);
  query.set('offset', String(offset));
  query.set('limit', String(PAGE_SIZE));
  show(el('h1', { text: 'Releases' }), form, el('p', { class: 'hint', text: 'Loading…' }));
  const page = await api('GET', '/api/v1/releases/page?' + query);
  const list = page.releases;
  const headers = ['Release', 'Service', 'Env', 'Version', 'Type', 'Status', 'Submitter',
                   'Submitted'];
  const table = el('table', { class: 'list' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, list.map((r) => el('tr', { class: r.type === 'emergency' ? 'emergency' : '' },
      el('td', { 'data-label': 'Release' }, link(`/releases/${r.id}`, `#${r.id}`)),
      el('td', { 'data-label': 'Service', text: r.service }),
      el('td', { 'data-label': 'Env', text: r.env }),
      el('td', { 'data-label': 'Version', text: r.version }),
      el('td', { 'data-label': 'Type' }, el('span', { class: `badge type-${r.type}`, text: r.type })),
      el('td', { 'data-label': 'Status' },
         el('span', { class: `badge status-${r.status}`, text: r.status })),
      el('td', { 'data-label': 'Submitter', text: r.submitter }),
      el('td', { 'data-label': 'Submitted', text: when(r.submitted_at) })))));
  const count = new Intl.NumberFormat();
  const pageAt = (at) => {
    const q = new URLSearchParams(params);
    if (at > 0) q.set('offset', String(at)); else q.delete('offset');
    return '/releases' + (q.toString() ? '?' + q : '');
  };
  const paging = el('nav', { class: 'paging', 'aria-label': 'Pages of releases' },
    offset > 0 ? link(pageAt(Math.max(0, offset - PAGE_SIZE)), '← Previous') : null,
    el('span', { class: 'range', text: list.length
      ? `${count.format(offset + 1)}–${count.format(offset + list.length)} of ${count.format(page.total)}`
      : `none of ${count.format(page.total)}` }),
    offset + list.length < page.total ? link(pageAt(offset + PAGE_SIZE), 'Next →') : null);
  show(el('h1', { text: 'Releases' }), form, paging,
       list.length ? table : el('p', { class: 'empty', text: 'No release matches.' }));
}

// --- one release

function simpleTable(caption, headers, rows) {
  return el('table', { class: 'list' }, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.map((row) => el('tr', {},
      row.map((cell, i) => el('td', { 'data-label': headers[i] }, cell ?? ''))))));
}

// A Stop button for a running deploy: it stops between steps, wherever it runs.
function stopButton(deploy, releaseId) {
  const button = el('button', {
    type: 'button', class: 'danger stop', text: `Stop deploy #${deploy.id}`,
    onclick: async () => {
      button.disabled = true;
      try {
        await api('POST', `/api/v1/deploys/${deploy.id}/stop`, {});
        say(`Deploy #${deploy.id} is asked to stop: it stops at its next step; hosts already ` +
            'switched are seen through.', 'ok');
        await renderRelease(releaseId);
      } catch (err) {
        button.disabled = false;
        sayError(err);
      }
    },
  });
  return el('div', { class: 'actions' }, el('div', { class: 'buttons' }, button));
}

// While a deploy of the release runs, its page follows it: read again every REFRESH_MS, for as
// long as the page shows that release, keeping the scroll position and the step outputs opened.
function followRelease(id) {
  clearTimeout(state.refresh);
  state.refresh = setTimeout(async () => {
    if (location.pathname.replace(/\/+$/, '') !== `/releases/${id}`) return;
    const opened = new Set([...document.querySelectorAll('#app details[open]')]
      .map((d) => d.dataset.key));
    const y = window.scrollY;
    try {
      await renderRelease(id);
    } catch (err) {
      return sayError(err);
    }
    for (const d of document.querySelectorAll('#app details'))
      if (opened.has(d.dataset.key)) d.open = true;
    window.scrollTo(0, y);
  }, REFRESH_MS);
}

// A configuration file's unified diff, open: its lines as text, added and removed ones marked.
function diffOf(f) {
  const lines = f.diff.replace(/\n$/, '').split('\n');
  const kind = (line) => (line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'added' :
    line.startsWith('-') ? 'removed' : 'same');
  return el('details', { class: 'diff', open: true },
    el('summary', { text: `What changes in ${f.path}` }),
    el('pre', {}, lines.map((line) => el('span', { class: `diff-${kind(line)}`, text: line + '\n' }))));
}

// What runs on the release's environment now, and the commits and files this release changes
// against it: what an approver looks at before deciding.
function whatChanges(r) {
  if (!r.live) return [el('p', { class: 'live', text: `Nothing is deployed to ${r.env} yet.` })];
  if (r.live.release === r.id) return [];
  const live = r.live;
  const out = [el('p', { class: 'live' }, `Live on ${r.env} now: `,
    link(`/releases/${live.release}`, `${live.version} (#${live.release})`),
    live.deployed_at ? `, deployed ${when(live.deployed_at)}` : '',
    live.deployed_by ? ` by ${live.deployed_by}` : '', '.')];
  const c = r.changes;
  if (!c) return out;
  const n = c.commits.length;
  const section = el('section', { class: 'changes card', 'aria-label': 'What changes' });
  section.append(el('h2', { text: 'What changes' }), el('p', {
    text: n === 0 && !c.complete ? 'The commits in between are unknown: no package history reaches the live commit.' :
      `${c.complete ? '' : 'At least '}${n} commit${n === 1 ? '' : 's'} ` +
      (c.direction === 'back' ? `taken back from ${live.version}.` : `since ${live.version}.`),
  }));
  if (n > 0)
    section.append(el('ul', { class: 'commits' }, c.commits.map((k) => el('li', {},
      el('code', { text: k.commit.slice(0, 7) }), ' ', k.subject,
      el('span', { class: 'hint', text: ` ${k.author}, ${when(k.time)}` })))));
  if (c.files)
    section.append(c.files.length === 0 ? el('p', { text: 'The same files as the live package.' }) :
      el('ul', { class: 'files' }, c.files.map((f) => el('li', {},
        el('span', { class: `badge change-${f.change}`, text: f.change }), ' ',
        el('code', { text: f.path }), f.diff ? diffOf(f) : null))));
  out.push(section);
  return out;
}

async function renderRelease(id) {
  const [r, audit] = await Promise.all([
    api('GET', `/api/v1/releases/${id}`),
    api('GET', '/api/v1/audit?subject=' + encodeURIComponent(`release/${id}`))]);
  const parts = [
    el('h1', {}, `#${r.id} ${r.service} ${r.version} `, el('span', { class: 'env', text: `to ${r.env}` })),
    badges(r),
  ];
  if (r.break_glass) parts.push(breakGlassNote(r));
  if (r.waiting_for) parts.push(el('p', { class: 'waiting', text: `Waiting for ${r.waiting_for}` }));
  if (r.nobody_can_approve) parts.push(el('p', { class: 'message error stuck', text: r.nobody_can_approve.replace(/^n/, 'N') }));
  else if (r.waiting_for && r.may_approve.length) {
    // A stand-in shows as "leo for lea": whose approval it gives.
    const standIn = (name) => (r.stand_ins || []).find((s) => s.startsWith(`${name} for `));
    parts.push(el('p', { class: 'may-approve',
                         text: `May approve: ${r.may_approve.map((n) => standIn(n) || n).join(', ')}` }));
  }
  // A running deploy first: what it has done so far, and its Stop button for who may deploy.
  for (const d of r.deploy.filter((x) => x.status === 'running')) {
    const last = d.steps[d.steps.length - 1];
    parts.push(el('p', { class: 'waiting' }, `Deploy #${d.id} by ${d.actor} is running: `,
                  `${d.steps.length} step${d.steps.length === 1 ? '' : 's'} so far`,
                  last ? `, the last ${last.step} on ${last.host} (${last.status}). ` : '. ',
                  el('a', { href: `#deploy-${d.id}`, text: 'Its steps', onclick: (ev) => {
                    ev.preventDefault();  // no navigation: the page stays this release's
                    document.getElementById(`deploy-${d.id}`).scrollIntoView();
                  } })));
    if (d.stop_requested_by)
      parts.push(el('p', { class: 'waiting',
                           text: `${d.stop_requested_by} asked it to stop: it stops at its next step.` }));
    else if (mayDeploy()) parts.push(stopButton(d, id));
  }
  parts.push(...whatChanges(r));
  if (state.user && r.may_approve.includes(state.user.name))
    parts.push(actionButtons(r, () => renderRelease(id)));
  parts.push(el('dl', { class: 'details card' },
    field('Team', r.team), field('Reason', r.reason), field('Category', r.category),
    field('Commit', r.commit), field('Package', r.package_sha256),
    field('Submitter', r.submitter), field('Submitted', when(r.submitted_at)),
    field('Submitted (policy time)', r.submitted_local), field('Approved', when(r.approved_at)),
    field('Deployed', when(r.deployed_at)),
    field('Closed', r.closed_by ? `${r.closed_by} ${when(r.closed_at)}` : null),
    field('Close comment', r.close_comment),
    field('Review due', when(r.review_due)), field('Owing review', r.owing_review ? 'yes' : null),
    field('Reviewed', r.reviewed_by ? `${r.reviewed_by} ${when(r.reviewed_at)}` : null),
    field('Review notes', r.review_notes),
    field('Approval expired', r.approval_expired ? 'yes' : null)));

  parts.push(el('h2', { text: 'Approvals' }));
  if (r.chain.length > 0)
    parts.push(el('ol', { class: 'chain', 'aria-label': 'Approval chain' }, r.chain.map((s) =>
      el('li', { class: s.complete ? 'complete' : '' },
         `${s.count} × ${s.role}${s.same_team ? ' of the team' : ''}: `,
         s.approvers.length ? `approved by ${s.approvers.join(', ')}` : 'no approval yet',
         s.complete ? ' ✓' : ''))));
  if (r.approvals.length === 0) parts.push(el('p', { class: 'empty', text: 'No approval yet.' }));
  else parts.push(simpleTable('Approvals', ['Approver', 'Step', 'Role', 'Comment', 'When', 'Counts'],
    r.approvals.map((a) => [a.for ? `${a.approver} for ${a.for}` : a.approver, String(a.step), a.role, a.comment, when(a.approved_at),
                            a.counts ? 'yes' : 'no'])));

  parts.push(el('h2', { text: 'Audit entries' }));
  parts.push(simpleTable('Audit entries', ['#', 'When', 'Actor', 'Action'],
    audit.map((e) => [String(e.seq), when(e.at), e.actor, e.action])));

  parts.push(el('h2', { text: 'Deploys' }));
  if (r.deploy.length === 0) parts.push(el('p', { class: 'empty', text: 'Not deployed yet.' }));
  for (const d of r.deploy) {
    parts.push(el('h3', { id: `deploy-${d.id}`,
                          text: `${d.repair ? 'Repair' : 'Deploy'} #${d.id} by ${d.actor}: ${d.status}` }));
    if (d.message) parts.push(el('p', { text: d.message }));
    parts.push(simpleTable(`Steps of deploy #${d.id}`,
      ['Host', 'Batch', 'Step', 'Status', 'Started', 'Took', 'Output'],
      d.steps.map((s, i) => [s.host, String(s.batch), s.step, s.status, when(s.started_at),
                             `${(s.elapsed_ms / 1000).toFixed(1)} s`,
                             s.output ? el('details', { 'data-key': `${d.id}/${i}` },
                                           el('summary', { text: 'output' }),
                                           el('pre', { text: s.output })) : ''])));
  }
  // After its deploys, in the order they happened: what monitoring said, linked to this release.
  if (r.alerts && r.alerts.length) {
    const events = [];
    for (const d of r.deploy.filter((x) => x.finished_at))
      events.push([d.finished_at, `${d.repair ? 'Repair' : 'Deploy'} #${d.id} ended ${d.status}`, '', '']);
    for (const a of r.alerts) {
      const where = [a.host, `matched by ${a.confidence}`].filter(Boolean).join(', ');
      events.push([a.fired_at, `${a.grade}: ${a.name} fired`, a.summary || '', where]);
      if (a.resolved_at) events.push([a.resolved_at, `${a.name} resolved`, '', a.host || '']);
    }
    events.sort((x, y) => x[0].localeCompare(y[0]));
    parts.push(el('h2', { text: 'Alerts after its deploy' }));
    parts.push(simpleTable('Alerts after its deploy', ['When', 'What', 'Summary', 'Where'],
      events.map(([at, what, summary, where]) => [when(at), what, summary, where])));
  }
  show(...parts);
  if (r.deploy.some((d) => d.status === 'running')) followRelease(id);
}

// --- a rollback, as an alert's message offers it

async function renderRollback() {
  const params = new URLSearchParams(location.search);
  const service = params.get('service') || '';
  const env = params.get('env') || '';
  if (!service || !env)
    return show(el('h1', { text: 'Roll back' }),
                el('p', { class: 'message error', text: 'Which service and environment? The link names none.' }));
  const live = await api('GET', '/api/v1/releases?' +
                         new URLSearchParams({ service, env, live: 'true', limit: '1' }));
  const head = el('h1', { text: `Roll back ${service} on ${env}` });
  if (live.length === 0)
    return show(head, el('p', { class: 'empty', text: `Nothing is deployed to ${env} yet: there is nothing to roll back.` }));
  const r = live[0];
  const button = el('button', { type: 'button', class: 'danger', text: `Roll back ${service} on ${env}` });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const made = await api('POST', '/api/v1/rollbacks', { service, env });
      navigate(`/releases/${made.release.id}`);
    } catch (err) {
      button.disabled = false;
      sayError(err);
    }
  });
  show(head,
    el('p', {}, `Live now: `, link(`/releases/${r.id}`, `${r.version} (#${r.id})`),
       `, deployed ${when(r.deployed_at)}.`),
    el('p', { text: 'A rollback puts back the version deployed before it. It is a release of its own: the ' +
                    "policy's rollback approvals still apply, and it is deployed once approved." }),
    el('div', { class: 'buttons' }, button));
}

// --- the dashboard

// The report's words (templates/web/report-text.json): each figure's plain label and definition,
// the DORA bands and the dashboard's sentences, the same the HTML report uses.
let reportWords = null;
async function loadReportWords() {
  if (reportWords) return reportWords;
  const res = await fetch('/web/report-text.json');
  if (!res.ok) throw new Error(`The report's words could not be read (${res.status})`);
  reportWords = await res.json();
  return reportWords;
}

function words(key, values = {}) {
  let text = (reportWords && reportWords.text[key]) || key;
  for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(value);
  return text;
}

function figureLabel(key) {
  const f = reportWords && reportWords.figures[key];
  return f ? f.label : key;
}

function figureDefinition(key) {
  const f = reportWords && reportWords.figures[key];
  return f ? f.definition : '';
}

// The server's SVG chart text as a node: parsed, never run (no script executes in a parsed
// document, and the page's Content-Security-Policy allows none inline anyway).
function chartNode(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'text/html');
  const svg = doc.body.querySelector('svg');
  if (!svg) return el('p', { class: 'empty', text: 'This chart could not be drawn.' });
  for (const bad of svg.querySelectorAll('script, foreignObject')) bad.remove();
  return document.importNode(svg, true);
}

// A tile: the figure, its change against the period before, its DORA band, a link to the
// releases behind it when the release list can show them, and its definition a tap away.
function figure(key, value, { change, band, href } = {}) {
  const body = [el('span', { class: 'value', text: String(value) }),
                el('span', { class: 'name', text: figureLabel(key) })];
  const tile = el('div', { class: 'figure', 'data-figure': key },
    href ? el('a', { href, 'data-nav': true, title: words('releases_behind') }, body) : body);
  if (change) tile.append(el('span', { class: 'change', text: words('versus', { change }) }));
  if (band) {
    tile.append(el('span', { class: `band band-${band}`, title: reportWords.bands.definition,
                             text: `DORA: ${reportWords.bands[band] || band}` }));
  }
  const definition = figureDefinition(key);
  if (definition) {
    tile.append(el('details', { class: 'definition' },
                   el('summary', { text: words('what_it_counts') }), el('p', { text: definition })));
  }
  return tile;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function number(x, digits = 2) {
  return x === null || x === undefined ? '–' : Number(x).toFixed(digits);
}

// "+12 (+5%)", "-0.03", "+1.5 h": the change of a figure; null when either side has none.
function change(now, before, kind) {
  if (now === null || now === undefined || before === null || before === undefined) return null;
  const d = now - before;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  if (kind === 'count') {
    if (d === 0) return '0';
    return before > 0 ? `${sign}${Math.abs(d)} (${sign}${Math.round(Math.abs(d) / before * 100)}%)`
                      : `${sign}${Math.abs(d)}`;
  }
  if (kind === 'seconds') return d === 0 ? '0' : sign + duration(Math.abs(d));
  if (kind === 'percent') return Math.round(Math.abs(d) * 100) === 0 ? '0' : `${sign}${Math.round(Math.abs(d) * 100)} pts`;
  return Math.abs(d) < 0.005 ? '0' : sign + Math.abs(d).toFixed(2);
}

const SCOPE = ['team', 'service', 'env'];

async function renderDashboard() {
  await loadReportWords();
  const params = new URLSearchParams(location.search);
  const [services, policy] = await Promise.all([api('GET', '/api/v1/services'),
                                                api('GET', '/api/v1/policy')]);
  const teams = [...new Set(services.map((s) => s.team))].sort();
  const envs = [...(policy.environments || [])].sort();
  const form = el('form', { class: 'filters card', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    navigate('/dashboard' + (q.toString() ? '?' + q : ''));
  } },
  el('div', { class: 'grid' },
     el('div', {}, textInput('since', words('from'), params.get('since'), 'date')),
     el('div', {}, textInput('until', words('to_included'), params.get('until'), 'date')),
     el('div', {}, select('team', words('team'), teams, params.get('team'))),
     el('div', {}, select('service', words('service'), services.map((s) => s.name).sort(),
                          params.get('service'))),
     el('div', {}, select('env', words('env'), envs, params.get('env')))),
  el('button', { type: 'submit', class: 'primary', text: words('show') }));
  for (const option of form.querySelectorAll('option[value=""]')) option.textContent = words('any');
  const query = new URLSearchParams();
  for (const k of ['since', 'until', ...SCOPE]) if (params.get(k)) query.set(k, params.get(k));
  show(el('h1', { text: words('dashboard') }), form, el('p', { class: 'hint', text: words('loading') }));
  const [report, charts] = await Promise.all([api('GET', '/api/v1/report?' + query),
                                              api('GET', '/api/v1/report/charts?' + query)]);
  const t = report.totals;
  const p = report.previous || null;
  const dora = report.dora || {};
  const pd = report.previous_dora || null;
  const bands = dora.bands || {};
  const download = el('button', { type: 'button', class: 'download', text: words('download_csv'),
    onclick: async () => {
      const csvQuery = new URLSearchParams(query);
      csvQuery.set('format', 'csv');
      csvQuery.set('bom', 'true');
      try {
        // Signed in by the session's cookie, which a GET sends as it is.
        const res = await fetch('/api/v1/report?' + csvQuery, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`The server answered ${res.status} ${res.statusText}`);
        const url = URL.createObjectURL(await res.blob());
        const a = el('a', { href: url, download: 'beaver-report.csv' });
        document.body.append(a);
        a.click();
        a.remove();
        URL.revokeObjectURL(url);
      } catch (err) {
        sayError(err);
      }
    } });
  const scope = SCOPE.filter((k) => report.scope && report.scope[k])
    .map((k) => `${words(k)}: ${report.scope[k]}`).join(' · ');
  const parts = [el('h1', { text: words('dashboard') }), form,
    el('p', { class: 'hint', text: words('period', { since: report.since, until: report.until }) +
                                   (scope ? ` ${scope}.` : '') }),
    el('div', { class: 'buttons' }, download)];
  if (t.releases === 0 && !dora.deploys_ended) {
    parts.push(el('p', { class: 'empty', text: words('empty') }));
    show(...parts);
    return;
  }
  // The release list behind a tile: the same period and scope, and the tile's own filter.
  const listOf = (extra) => {
    const q = new URLSearchParams();
    for (const k of ['since', 'until', ...SCOPE]) if (params.get(k)) q.set(k, params.get(k));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return '/releases' + (q.toString() ? '?' + q : '');
  };
  const count = (key, value, before, extra) =>
    figure(key, value, { change: p ? change(value, before, 'count') : null,
                         href: extra ? listOf(extra) : undefined });
  parts.push(el('section', { class: 'figures', 'aria-label': words('headline') },
    count('releases', t.releases, p && p.releases, {}),
    count('normal', t.normal, p && p.normal, { type: 'normal' }),
    count('emergency', t.emergency, p && p.emergency, { type: 'emergency' }),
    count('rollback', t.rollback, p && p.rollback, { type: 'rollback' }),
    figure('emergency_ratio', `${(t.emergency_ratio * 100).toFixed(0)} %`,
           { change: p ? change(t.emergency_ratio, p.emergency_ratio, 'percent') : null,
             href: listOf({ type: 'emergency' }) }),
    count('rejected', t.rejected, p && p.rejected, { status: 'rejected' }),
    count('deployed', t.deployed, p && p.deployed, { status: 'deployed' }),
    count('failed', t.failed, p && p.failed, { status: 'failed' }),
    count('outside_windows', t.outside_windows, p && p.outside_windows),
    count('at_night', t.at_night, p && p.at_night),
    count('at_weekend', t.at_weekend, p && p.at_weekend),
    count('owing_review', t.owing_review, p && p.owing_review, { owing_review: 'true' }),
    figure('approval_wait_median', duration(t.approval_wait.median_seconds),
           { change: p ? change(t.approval_wait.median_seconds, p.approval_wait.median_seconds, 'seconds') : null }),
    figure('approval_wait_p90', duration(t.approval_wait.p90_seconds))));
  const hours = (x) => (x === null || x === undefined ? null : x * 3600);
  parts.push(el('h2', { text: words('deploy_figures') }), el('section', { class: 'figures', 'aria-label': words('deploy_figures') },
    figure('deploys', dora.deploys ?? 0, { change: pd ? change(dora.deploys, pd.deploys, 'count') : null }),
    figure('deployment_frequency', number(dora.deployment_frequency),
           { change: pd ? change(dora.deployment_frequency, pd.deployment_frequency, 'number') : null,
             band: bands.deployment_frequency }),
    figure('lead_time_median', duration(hours(dora.lead_time_hours && dora.lead_time_hours.median)),
           { change: pd ? change(hours(dora.lead_time_hours && dora.lead_time_hours.median),
                                 hours(pd.lead_time_hours && pd.lead_time_hours.median), 'seconds') : null,
             band: bands.lead_time }),
    figure('change_failure_rate', number(dora.change_failure_rate),
           { change: pd ? change(dora.change_failure_rate, pd.change_failure_rate, 'number') : null,
             band: bands.change_failure_rate }),
    figure('time_to_restore', duration(hours(dora.time_to_restore_hours)),
           { change: pd ? change(hours(dora.time_to_restore_hours), hours(pd.time_to_restore_hours), 'seconds') : null,
             band: bands.time_to_restore }),
    figure('still_open', dora.still_open ?? 0)));
  const glass = report.break_glass;
  if (glass && glass.deploys) {
    // What is still owed leads to the releases that owe it.
    const tile = (key) => {
      const body = [el('span', { class: 'value', text: String(glass[key]) }),
                    el('span', { class: 'name', text: words(`break_glass_${key}`) })];
      const owed = (key === 'owing' || key === 'never_signed') && glass[key] > 0;
      return el('div', { class: 'figure', 'data-figure': `break_glass_${key}` },
                owed ? el('a', { href: listOf({ owing_signature: 'true' }), 'data-nav': true,
                                 title: words('releases_behind') }, body) : body);
    };
    parts.push(el('h2', { text: words('break_glass') }),
               el('p', { class: 'hint', text: words('break_glass_note') }),
               el('section', { class: 'figures', 'aria-label': words('break_glass') },
                  ['deploys', 'signed_in_time', 'signed_late', 'owing', 'never_signed'].map(tile)));
  }
  const reasons = Object.entries(report.emergency_reasons || {});
  if (reasons.length) {
    parts.push(el('h2', { text: words('reasons') }), el('p', { class: 'hint', text: words('reasons_note') }));
    for (const [category, top] of reasons)
      parts.push(el('h3', { text: category }),
                 simpleTable(category, [words('reason'), words('count')],
                             top.map((r) => [r.reason, String(r.count)])));
  }
  parts.push(el('h2', { text: words('charts') }), el('div', { class: 'charts' },
    ['weeks', 'ratio', 'reasons', 'approvers', 'heat'].map((k) => el('figure', { class: 'chart' }, chartNode(charts[k])))));
  show(...parts);
}

// --- start

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (!a) return;
  if (a.id === 'signout') {
    ev.preventDefault();
    signOut();
    return;
  }
  if (a.hasAttribute('data-nav') && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey && ev.button === 0) {
    ev.preventDefault();
    navigate(a.getAttribute('href'));
  }
});
window.addEventListener('popstate', route);
route();
