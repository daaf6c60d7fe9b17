// 裁量工作台：查找违法行为 → 按违法行为生成的事实表单 → 随表单更新的裁量建议 → 执法人员的决定
// （偏离审查）→ 记录 → 打印裁量说明；决定记录的查询与重新打开。
// 只向本服务发出请求；插入页面的文字一律用 textContent（不用 innerHTML），不会被当作标记。
'use strict';
(function () {
  const API = '/api/v1';
  /** 输入框停止输入多久后才重新计算（毫秒）；选项、是否、日期改变时立即计算。 */
  const TYPING_DELAY_MS = 150;
  /** 最近使用的违法行为保留几个。 */
  const RECENT_MAX = 8;
  /** 决定记录每页几条。 */
  const HISTORY_PAGE = 20;
  const RECENT_KEY = 'caliper.desk.recent';
  const PUNISHABLE = ['no_penalty', 'mitigated', 'lighter', 'standard', 'aggravated'];

  const S = {
    vocab: null,
    ruleset: null,
    form: null,
    decision: null,
    review: null,
    record: null,
    readOnly: false,
    corrects: null,
    officerTouched: false,
    evalInflight: false,
    evalPending: false,
    evalSeq: 0,
    changeSeq: 0,
    changedAt: 0,
    reviewSeq: 0,
    historyNext: null,
    timers: {},
  };

  const $ = (id) => document.getElementById(id);

  /** 建一个元素：attrs 中 class、on*、布尔属性分别处理；子节点中的字符串作为文字插入。 */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, '');
      else e.setAttribute(k, String(v));
    }
    append(e, children);
    return e;
  }
  function append(e, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(e, c);
      else if (c instanceof Node) e.appendChild(c);
      else e.appendChild(document.createTextNode(String(c)));
    }
  }
  /** Replaces the children of `e` (strings as text, arrays flattened, null left out). */
  function fill(e, ...children) {
    e.replaceChildren();
    append(e, children);
    return e;
  }
  function later(key, ms, f) {
    clearTimeout(S.timers[key]);
    S.timers[key] = setTimeout(f, ms);
  }

  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let status = 0;
    let doc;
    try {
      const r = await fetch(API + path, init);
      status = r.status;
      doc = await r.json();
    } catch (e) {
      doc = { error: { code: '', message: status ? '服务的答复无法读取' : '无法连接服务：' + e.message, at: '' } };
    }
    return { status, ok: status >= 200 && status < 300, doc };
  }

  // ---- 词汇 --------------------------------------------------------------------------------
  const V = (table, code) => (S.vocab && S.vocab[table] && S.vocab[table][code]) || code;
  const yuan = (n) => `${n} 元`;
  const range = (r) => (r ? `${r.min} 元至 ${r.max} 元` : '不处罚款');
  // 按日连续处罚: the days counted, each day's fine and the total, as `caliper explain` words it.
  const dailyText = (f) =>
    `${f.discretionary ? '可以' : '应当'}按日连续处罚 ${f.days} 日，每日 ${range(f.per_day)}，共 ${range(f.total)}`;
  function outcomeText(outcome, mandatory) {
    const name = V('outcomes', outcome);
    return PUNISHABLE.includes(outcome) ? `${name}（${mandatory ? '应当' : '可以'}）` : name;
  }
  function penaltyText(p) {
    let t = V('penalties', p.kind);
    if (p.or && p.or.length) t += '或者' + p.or.map((k) => V('penalties', k)).join('或者');
    if (p.amount !== undefined) t += `（${yuan(p.amount)}）`;
    return p.discretionary ? '可以' + t : t;
  }
  function flagText(v, yes, no) {
    if (v === true) return yes;
    if (v && typeof v === 'object' && v.if_fine_at_least !== undefined) {
      return `罚款达到 ${yuan(v.if_fine_at_least)}时${yes}`;
    }
    return no;
  }
  function procedureLines(p) {
    if (!p) return [];
    const lines = [
      p.summary ? '可以适用简易程序，当场作出处罚决定（第五十一条）' : '不适用简易程序，按普通程序办理',
      flagText(p.hearing_notice, '须告知当事人有要求听证的权利（第六十三条）', '不须告知听证'),
      flagText(p.legal_review, '须经法制审核（第五十八条）', '不须法制审核'),
    ];
    if (p.collective_discussion) lines.push('须由行政机关负责人集体讨论决定（第五十七条第二款）');
    return lines;
  }
  function factOf(name) {
    return S.form && S.form.facts.find((f) => f.name === name);
  }
  const factLabel = (name) => (factOf(name) ? factOf(name).label : name);
  function factValueText(f, v) {
    if (!f) return String(v);
    if (f.type === 'bool') return v ? '是' : '否';
    if (f.type === 'enum') {
      const o = f.options.find((x) => x.value === v);
      return o ? o.label : String(v);
    }
    return f.unit ? `${v} ${f.unit}` : String(v);
  }
  function entryOf(id) {
    return S.form && S.form.entries.find((e) => e.id === id);
  }

  // ---- 最近使用 ------------------------------------------------------------------------------
  function recent() {
    try {
      const r = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
      return Array.isArray(r) ? r.filter((x) => x && typeof x.code === 'string') : [];
    } catch (e) {
      return [];
    }
  }
  function remember(v) {
    const list = [{ code: v.code, title: v.title, penalty: v.penalty }]
      .concat(recent().filter((x) => x.code !== v.code))
      .slice(0, RECENT_MAX);
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(list));
    } catch (e) {
      // 浏览器不让保存时，只是不记住最近使用的。
    }
  }

  // ---- 查找 --------------------------------------------------------------------------------
  function penaltyWords(p) {
    const parts = [];
    if (p && p.individual) parts.push('公民：' + p.individual);
    if (p && p.unit) parts.push('单位：' + p.unit);
    return parts.join('；');
  }
  function hit(v) {
    return el('button', { type: 'button', class: 'hit', 'data-code': v.code, onclick: () => openViolation(v.code) },
      el('span', { class: 'code' }, v.code), v.title,
      el('span', { class: 'pen' }, penaltyWords(v.penalty)));
  }
  function showRecent() {
    const r = recent();
    const box = $('results');
    if (!r.length) {
      fill(box, el('p', { class: 'hint' }, '例如输入“建筑垃圾”“设摊”“烧烤”，或违法行为编号。'));
      return;
    }
    fill(box, el('h3', {}, '最近使用'), r.map(hit));
  }
  async function search() {
    const q = $('q').value.trim();
    if (!q) {
      showRecent();
      return;
    }
    const { ok, doc } = await api('GET', '/violations?q=' + encodeURIComponent(q));
    if (q !== $('q').value.trim()) return;
    const box = $('results');
    if (!ok) {
      fill(box, el('p', { class: 'error' }, doc.error.message));
      return;
    }
    if (!doc.violations.length) {
      fill(box, el('p', { class: 'hint' }, `没有找到与“${q}”有关的违法行为。`));
      return;
    }
    const order = recent().map((x) => x.code);
    const rank = (v) => (order.includes(v.code) ? order.indexOf(v.code) : order.length);
    const found = doc.violations.slice().sort((a, b) => rank(a) - rank(b));
    const used = found.filter((v) => order.includes(v.code));
    const rest = found.filter((v) => !order.includes(v.code));
    fill(box, 
      el('p', { class: 'hint' }, `找到 ${doc.count} 项`),
      used.length ? [el('h3', {}, '最近使用'), used.map(hit)] : null,
      used.length && rest.length ? el('h3', {}, '其他') : null,
      rest.map(hit));
  }

  // ---- 表单 --------------------------------------------------------------------------------
  function defaultHint(f) {
    if (f.default === null || f.default === undefined) return null;
    return `未查明时按“${factValueText(f, f.default)}”`;
  }
  function usedBy(f) {
    return '用于：' + f.used_by.map((u) => u.label).join('；');
  }
  function choiceGroup(f, choices) {
    return el('fieldset', { id: 'f-' + f.name, 'data-fact': f.name, title: usedBy(f) },
      el('legend', {}, f.label),
      el('div', { class: 'choices' }, choices.map(([value, text], i) => el('label', {},
        el('input', { type: 'radio', name: f.name, value, id: `f-${f.name}-${i}`, checked: value === '' }),
        text))),
      defaultHint(f) ? el('p', { class: 'hint' }, defaultHint(f)) : null,
      el('p', { class: 'field-error', id: 'err-' + f.name, hidden: true }));
  }
  function factField(f) {
    if (f.type === 'bool') return choiceGroup(f, [['true', '是'], ['false', '否'], ['', '未查明']]);
    if (f.name === 'party_type') {
      return choiceGroup(f, f.options.map((o) => [o.value, o.label]).concat([['', '未查明']]));
    }
    let input;
    if (f.type === 'enum') {
      input = el('select', { id: 'f-' + f.name, name: f.name },
        el('option', { value: '' }, '未查明'), f.options.map((o) => el('option', { value: o.value }, o.label)));
    } else if (f.type === 'date') {
      input = el('input', { id: 'f-' + f.name, name: f.name, type: 'date' });
    } else {
      const step = f.type === 'int' ? '1' : f.type === 'money' ? '0.01' : 'any';
      input = el('input', {
        id: 'f-' + f.name, name: f.name, type: 'number', step, min: f.type === 'int' ? '0' : null,
        inputmode: f.type === 'int' ? 'numeric' : 'decimal', placeholder: '未查明则留空',
      });
    }
    return el('div', { class: 'field', 'data-fact': f.name, title: usedBy(f) },
      el('label', { for: 'f-' + f.name }, f.label),
      el('div', { class: 'inline' }, input, f.unit ? el('span', { class: 'unit' }, f.unit) : null),
      defaultHint(f) ? el('p', { class: 'hint' }, defaultHint(f)) : null,
      el('p', { class: 'field-error', id: 'err-' + f.name, hidden: true }));
  }
  function renderForm() {
    const facts = S.form.facts.slice();
    const party = facts.filter((f) => f.name === 'party_type');
    const basic = facts.filter((f) => f.name !== 'party_type' && f.type !== 'bool');
    const yesno = facts.filter((f) => f.type === 'bool');
    fill($('facts'), 
      party.map(factField),
      el('h3', { class: 'group-h' }, '基本情况'), basic.map(factField),
      yesno.length ? el('h3', { class: 'group-h' }, '情节（是 / 否 / 未查明）') : null, yesno.map(factField));
  }
  function renderViolation() {
    const v = S.form;
    fill($('violation'), 
      el('p', {}, el('span', { class: 'code' }, v.code), v.title),
      v.regulation ? el('p', {}, v.regulation) : null,
      v.breach ? el('p', {}, '违反：' + v.breach) : null,
      el('p', {}, '依据：' + v.basis),
      el('p', {}, '法定处罚：' + penaltyWords(v.penalty)));
  }
  /** 读表单：事实（未查明的不写入案件）和各项输入错误。 */
  function readFacts() {
    const facts = {};
    const errors = {};
    const form = $('facts');
    for (const f of S.form.facts) {
      const field = form.elements.namedItem(f.name);
      if (!field) continue;
      const input = field instanceof RadioNodeList ? null : field;
      const raw = (field.value || '').trim();
      if (input && input.validity && input.validity.badInput) {
        errors[f.name] = '须填写数字';
        continue;
      }
      if (raw === '') continue;
      if (f.type === 'bool') facts[f.name] = raw === 'true';
      else if (f.type === 'int') {
        if (/^-?\d+$/.test(raw)) facts[f.name] = Number(raw);
        else errors[f.name] = '须填写整数';
      } else if (f.type === 'money' || f.type === 'decimal') {
        const pattern = f.type === 'money' ? /^\d+(\.\d{1,2})?$/ : /^-?\d+(\.\d+)?$/;
        if (pattern.test(raw)) facts[f.name] = Number(raw);
        else errors[f.name] = f.type === 'money' ? '须填写不小于零、精确到分的金额' : '须填写数字';
      } else facts[f.name] = raw;
    }
    return { facts, errors };
  }
  function showFieldErrors(errors) {
    for (const f of S.form.facts) {
      const p = $('err-' + f.name);
      if (!p) continue;
      const msg = errors[f.name];
      p.hidden = !msg;
      p.textContent = msg || '';
      const input = $('f-' + f.name);
      if (input && input.tagName !== 'FIELDSET') {
        if (msg) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    }
  }
  function setFacts(facts) {
    const form = $('facts');
    for (const f of S.form.facts) {
      const field = form.elements.namedItem(f.name);
      if (!field) continue;
      const has = Object.prototype.hasOwnProperty.call(facts, f.name);
      const v = has ? facts[f.name] : '';
      field.value = f.type === 'bool' && has ? String(Boolean(v)) : String(v);
    }
  }
  function caseDoc(facts) {
    const doc = { violation: S.form.code, facts };
    const id = $('case-id').value.trim();
    if (id) doc.case_id = id;
    return doc;
  }
  /** 把焦点移到一个事实的输入项（单选组：已选的一项，或第一项）。 */
  function focusFact(name) {
    const box = $('f-' + name);
    if (!box) return;
    let target = box;
    if (box.tagName === 'FIELDSET') {
      target = box.querySelector('input:checked') || box.querySelector('input');
    }
    const wrap = box.closest('[data-fact]') || box;
    wrap.scrollIntoView({ block: 'center' });
    target.focus();
    wrap.classList.remove('fact-flash');
    void wrap.offsetWidth;
    wrap.classList.add('fact-flash');
  }

  // ---- 计算 --------------------------------------------------------------------------------
  /** 输入框：停止输入后再算；选项、是否、日期：改变时立即算（各只听一种事件，不重复计算）。 */
  function isTyping(t) {
    return t.tagName === 'INPUT' && (t.type === 'number' || t.type === 'text');
  }
  function factChanged(ev) {
    if (S.readOnly) return;
    const typing = isTyping(ev.target);
    if (typing !== (ev.type === 'input')) return;
    S.changeSeq += 1;
    S.changedAt = performance.now();
    performance.mark('desk:change');
    if (typing) later('eval', TYPING_DELAY_MS, evaluate);
    else {
      clearTimeout(S.timers.eval);
      evaluate();
    }
  }
  /** 计算建议：同时只发一个请求；期间又有改动的，答复后立即再算一次，只显示最新的。 */
  async function evaluate() {
    if (!S.form || S.readOnly) return;
    if (S.evalInflight) {
      S.evalPending = true;
      return;
    }
    const { facts, errors } = readFacts();
    showFieldErrors(errors);
    const seq = ++S.evalSeq;
    const change = S.changeSeq;
    const code = S.form.code;
    S.evalInflight = true;
    const r = await api('POST', '/evaluate', caseDoc(facts));
    S.evalInflight = false;
    if (S.form && S.form.code === code && !S.readOnly && seq === S.evalSeq) {
      if (r.ok) {
        S.decision = r.doc;
        renderDecision(r.doc, Object.keys(errors).length ? errors : null);
        syncOfficer();
      } else {
        S.decision = null;
        renderError(r.doc.error);
      }
      if (change === S.changeSeq && S.changedAt) {
        performance.mark('desk:rendered');
        performance.measure('desk:update', { start: S.changedAt, end: performance.now() });
      }
      renderSheet();
    }
    if (S.evalPending) {
      S.evalPending = false;
      evaluate();
    } else if (r.ok && S.decision && !S.readOnly) {
      reviewNow();
    }
  }

  function questionLink(name) {
    return el('a', { href: '#f-' + name, 'data-question': name, onclick: (e) => { e.preventDefault(); focusFact(name); } },
      factLabel(name));
  }
  function renderError(err) {
    const at = err.at || '';
    const m = /^facts\.([A-Za-z0-9_]+)/.exec(at);
    fill($('rec-body'), el('div', { class: 'box bad', 'data-outcome': 'error' },
      el('p', {}, err.message),
      m && factOf(m[1]) ? el('p', {}, '请检查：', questionLink(m[1])) : (at ? el('p', { class: 'muted' }, '位置：' + at) : null)));
    $('rec-body').dataset.outcome = 'error';
  }
  function circumstanceTable(rows, caption) {
    if (!rows || !rows.length) return null;
    return [el('h3', {}, caption), el('table', {},
      el('thead', {}, el('tr', {}, ['清单', '编号', '情节', '依据', '来源'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.map((a) => {
        const e = entryOf(a.id);
        return el('tr', {},
          el('td', {}, V('lists', a.list) + (a.mandatory === false ? '（可以）' : a.mandatory ? '（应当）' : '')),
          el('td', {}, a.id), el('td', {}, a.title),
          el('td', {}, e ? e.basis.join('；') : ''),
          el('td', {}, e && e.source ? e.source : '', el('span', { class: 'muted' }, e && e.source ? '；' : '', a.source)));
      })))];
  }
  function seeAlso(codes) {
    const box = el('p', {}, '可改按以下违法行为办理（已填写的事实会带过去）：');
    const list = el('ul', {});
    for (const code of codes) {
      const title = el('span', {});
      list.appendChild(el('li', {}, el('button', { type: 'button', class: 'link', 'data-see-also': code, onclick: () => openViolation(code, true) }, code), ' ', title));
      api('GET', '/violations?q=' + encodeURIComponent(code)).then(({ ok, doc }) => {
        const v = ok && doc.violations.find((x) => x.code === code);
        if (v) title.textContent = v.title;
      });
    }
    return [box, list];
  }
  function renderDecision(d, formErrors) {
    const out = [];
    out.push(el('p', { class: 'outcome o-' + d.outcome, id: 'rec-outcome' }, outcomeText(d.outcome, d.mandatory)));
    if (formErrors) {
      out.push(el('div', { class: 'box bad' }, el('p', {}, '以下事实填写有误，计算时按未查明处理：'),
        el('ul', {}, Object.keys(formErrors).map((n) => el('li', {}, questionLink(n), '：', formErrors[n])))));
    }
    if (d.outcome === 'not_applicable' && d.not_applicable) {
      out.push(el('div', { class: 'box', id: 'not-applicable' },
        el('p', {}, d.not_applicable.message),
        el('p', { class: 'muted' }, '原因：' + V('not_applicable', d.not_applicable.reason)),
        d.see_also && d.see_also.length ? seeAlso(d.see_also) : el('p', {}, '没有可参见的其他违法行为编号。')));
    }
    if (d.outcome === 'undetermined') {
      out.push(el('div', { class: 'box', id: 'questions' },
        el('p', {}, '结果取决于尚未查明的事实，请查明：'),
        el('ol', {}, d.needs.map((n) => el('li', {}, questionLink(n))))));
    }
    const facts = [];
    if (PUNISHABLE.includes(d.outcome)) {
      facts.push(['罚款', el('span', { class: 'fine', id: 'rec-fine' }, d.fine ? '罚款 ' + range(d.fine) : '不处罚款')]);
      if (d.fine_barred) facts.push(['不得罚款', `${d.fine_barred.basis}：同一个违法行为已被处以罚款`]);
      if (d.daily_fine) facts.push(['按日连续处罚', el('span', { id: 'rec-daily' }, dailyText(d.daily_fine))]);
      facts.push(['处罚种类', d.penalties.length ? d.penalties.map(penaltyText).join('；') : '无']);
    }
    if (d.statutory) facts.push(['法定幅度', range(d.statutory)]);
    if (d.measures && d.measures.length) facts.push(['措施', d.measures.map((m) => V('measures', m)).join('、')]);
    if (PUNISHABLE.includes(d.outcome)) {
      facts.push(['程序', el('ul', { id: 'rec-procedure' }, procedureLines(d.procedure).map((l) => el('li', {}, l)))]);
    }
    if (d.alternatives && d.alternatives.length) {
      facts.push(['可选的结果', el('ul', {}, d.alternatives.map((a) => el('li', {}, outcomeText(a.outcome, a.mandatory), '，', a.fine ? '罚款 ' + range(a.fine) : '不处罚款')))]);
    }
    if (d.law) facts.push(['适用的条文', `${d.law.version} 起施行的版本` + (d.law.reason ? `（${d.law.reason}）` : '')]);
    out.push(el('dl', { class: 'kv' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
    out.push(el('h3', {}, '依据'), el('ol', { id: 'rec-basis' }, d.basis.map((b) => el('li', {}, b))));
    out.push(circumstanceTable(d.applied, '适用的情节'));
    out.push(circumstanceTable(d.outweighed, '存在但被抵消的情节'));
    if (d.concurrent && d.concurrent.length) {
      out.push(el('h3', {}, '同一行为违反的其他规定（第二十九条）'), el('ul', {}, d.concurrent.map((c) =>
        el('li', {}, `${c.violation}：${outcomeText(c.outcome, c.mandatory)}，${c.fine ? '罚款 ' + range(c.fine) : '不处罚款'}`))));
    }
    out.push(el('details', {}, el('summary', {}, `推理过程（${d.trace.length} 步）`),
      el('ol', { class: 'trace' }, d.trace.map((t) => el('li', {}, t)))));
    const body = $('rec-body');
    fill(body, out);
    body.dataset.outcome = d.outcome;
  }

  // ---- 执法人员的决定 ----------------------------------------------------------------------
  function kindsOffered(d) {
    const offered = [];
    for (const p of (d && d.penalties) || []) {
      for (const k of [p.kind].concat(p.or || [])) if (!offered.includes(k)) offered.push(k);
    }
    return offered;
  }
  function renderKinds(d, checked) {
    const offered = kindsOffered(d);
    const all = Object.keys((S.vocab && S.vocab.penalties) || {});
    const others = all.filter((k) => !offered.includes(k));
    const box = (k) => el('label', {}, el('input', { type: 'checkbox', value: k, checked: checked.includes(k), onchange: officerChanged }), V('penalties', k));
    fill($('final-kinds'), 
      el('legend', {}, '处罚种类'),
      el('div', { class: 'choices' }, offered.length ? offered.map(box) : el('span', { class: 'muted' }, '建议没有处罚种类')),
      el('details', {}, el('summary', {}, '其他处罚种类'), el('div', { class: 'choices' }, others.map(box))));
  }
  function syncOfficer() {
    const d = S.decision;
    const can = d && PUNISHABLE.includes(d.outcome);
    $('save').disabled = !can;
    if (!can) {
      fill($('review'), el('p', { class: 'muted' },
        d && d.outcome === 'not_applicable' ? '本违法行为不适用：请改按参见的编号办理。' : '建议待定：查明事实后才能作出和记录决定。'));
    }
    if (S.officerTouched || !d) return;
    $('final-outcome').value = can ? d.outcome : 'standard';
    const checked = [];
    for (const p of d.penalties || []) {
      if (p.kind === 'fine' ? Boolean(d.fine) : !p.discretionary) checked.push(p.kind);
    }
    renderKinds(d, checked);
    $('final-fine').placeholder = d.fine ? `建议 ${d.fine.min}–${d.fine.max}` : '不处罚款则留空';
  }
  function officerChanged(ev) {
    if (S.readOnly) return;
    S.officerTouched = true;
    if (ev && ev.target && ev.target.id === 'final-fine' && ev.target.value.trim() !== '') {
      const fine = document.querySelector('#final-kinds input[value="fine"]');
      if (fine) fine.checked = true;
    }
    if (ev && ev.type === 'input') later('review', TYPING_DELAY_MS, reviewNow);
    else reviewNow();
  }
  function proposed() {
    const raw = $('final-fine').value.trim();
    const kinds = Array.from(document.querySelectorAll('#final-kinds input:checked')).map((i) => i.value);
    const p = { outcome: $('final-outcome').value, penalties: kinds, fine: null };
    if (raw !== '') {
      if (!/^\d+(\.\d{1,2})?$/.test(raw)) return { error: '罚款须是不小于零、精确到分的金额' };
      p.fine = Number(raw);
      if (!kinds.includes('fine')) p.penalties = kinds.concat(['fine']);
    }
    return p;
  }
  async function reviewNow() {
    if (!S.form || !S.decision || S.readOnly || !PUNISHABLE.includes(S.decision.outcome)) return;
    const p = proposed();
    if (p.error) {
      fill($('review'), el('p', { class: 'error' }, p.error));
      return;
    }
    const seq = ++S.reviewSeq;
    const { facts } = readFacts();
    const r = await api('POST', '/review', { case: caseDoc(facts), proposed: p });
    if (seq !== S.reviewSeq || S.readOnly) return;
    if (!r.ok) {
      S.review = null;
      fill($('review'), el('p', { class: 'error' }, r.doc.error.message));
      return;
    }
    S.review = r.doc.review;
    renderReview(S.review);
    renderSheet();
  }
  function renderReview(rv) {
    if (!rv) {
      fill($('review'), );
      return;
    }
    const cls = !rv.lawful ? 'box bad' : rv.departs ? 'box' : 'box ok';
    const verdict = !rv.lawful ? '不合法：不能这样决定' : rv.departs ? '偏离建议：须写明偏离说明' : '符合建议';
    fill($('review'), el('div', { class: cls, id: 'review-box', 'data-departs': String(rv.departs), 'data-lawful': String(rv.lawful) },
      el('p', {}, el('strong', {}, verdict),
        rv.fine_position ? '。罚款' + V('fine_positions', rv.fine_position) : ''),
      rv.findings.length ? el('ul', {}, rv.findings.map((f) => el('li', {}, f))) : null,
      rv.requires.length ? el('p', {}, '须：' + rv.requires.map((q) => V('requirements', q)).join('；')) : null,
      el('p', {}, '按此决定的程序：'), el('ul', {}, procedureLines(rv.procedure).map((l) => el('li', {}, l)))));
    $('reason-required').hidden = !rv.departs;
    $('reason').required = rv.departs;
  }
  async function save() {
    if (!S.form || S.readOnly) return;
    const p = proposed();
    const out = $('save-result');
    if (p.error) {
      out.className = 'error';
      out.textContent = p.error;
      $('final-fine').focus();
      return;
    }
    const { facts } = readFacts();
    const body = { case: caseDoc(facts), final: p, officer: $('officer-name').value };
    const reason = $('reason').value.trim();
    if (reason) body.reason = reason;
    if (S.corrects) body.corrects = S.corrects;
    $('save').disabled = true;
    const r = await api('POST', '/decisions', body);
    $('save').disabled = false;
    $('reason').removeAttribute('aria-invalid');
    if (!r.ok) {
      const e = r.doc.error;
      out.className = 'error';
      fill(out, el('span', { id: 'save-error', 'data-code': e.code }, '未记录：' + e.message),
        e.details && e.details.length ? el('ul', {}, e.details.map((x) => el('li', {}, x))) : null);
      if (e.at === 'reason') {
        $('reason').setAttribute('aria-invalid', 'true');
        $('reason').focus();
      } else if (e.at === 'officer') $('officer-name').focus();
      return;
    }
    // The answer has what was recorded; the case and the officer are as sent.
    showRecord(Object.assign({ case: body.case, officer: body.officer.trim() }, r.doc), true);
  }

  // ---- 记录 --------------------------------------------------------------------------------
  function setReadOnly(ro) {
    S.readOnly = ro;
    for (const e of document.querySelectorAll('#facts input, #facts select, #case-id, #officer input, #officer select, #officer textarea')) {
      e.disabled = ro;
    }
    $('save').hidden = ro;
    $('correct').hidden = !ro;
  }
  function localTime(s) {
    const d = new Date(s);
    return isNaN(d.getTime()) ? s : d.toLocaleString('zh-CN', { hour12: false });
  }
  function showRecord(rec, justSaved) {
    S.record = rec;
    S.decision = rec.decision || S.decision;
    S.corrects = null;
    setReadOnly(true);
    const note = $('record-note');
    note.hidden = false;
    fill(note, `第 ${rec.id} 号决定记录，${localTime(rec.recorded_at)}`,
      rec.officer ? `由 ${rec.officer} 记录` : '', rec.corrects ? `，更正第 ${rec.corrects} 号记录` : '',
      '。记录不能修改；要更正，请点“更正此记录”，保存后另成一条记录。');
    const out = $('save-result');
    out.className = '';
    fill(out, 
      el('span', { id: 'record-id', 'data-id': rec.id }, justSaved ? `已记录：第 ${rec.id} 号决定` : `第 ${rec.id} 号决定`),
      el('br', {}), '记录摘要：', el('span', { class: 'digest', id: 'record-digest' }, rec.digest || ''),
      el('br', {}), '规则集摘要：', el('span', { class: 'digest' }, rec.ruleset ? rec.ruleset.digest : ''));
    renderSheet();
  }
  async function reopen(id) {
    const { ok, doc } = await api('GET', '/decisions/' + encodeURIComponent(id));
    if (!ok) {
      $('history-list').prepend(el('p', { class: 'error' }, doc.error.message));
      return;
    }
    showTab('case');
    const code = doc.case.violation || (doc.case.violations && doc.case.violations[0]);
    if (!(await openViolation(code, false, true))) return;
    const facts = doc.case.facts || {};
    if (S.form) setFacts(facts);
    $('case-id').value = doc.case.case_id || '';
    S.decision = doc.decision;
    S.review = doc.review;
    renderDecision(doc.decision, null);
    const missing = Object.keys(facts).filter((n) => !factOf(n));
    if (missing.length) {
      $('rec-body').prepend(el('p', { class: 'box' }, '记录中的以下事实在现行规则的表单中没有：' +
        missing.map((n) => `${n} = ${JSON.stringify(facts[n])}`).join('，')));
    }
    const fin = doc.final || {};
    $('final-outcome').value = fin.outcome || '';
    renderKinds(doc.decision, fin.penalties || []);
    $('final-fine').value = fin.fine === null || fin.fine === undefined ? '' : String(fin.fine);
    $('reason').value = doc.reason || '';
    $('officer-name').value = doc.officer || '';
    renderReview(doc.review);
    S.officerTouched = true;
    showRecord(doc, false);
    document.body.dataset.reopened = String(doc.id);
  }
  function correct() {
    if (!S.record) return;
    S.corrects = S.record.id;
    const id = S.record.id;
    S.record = null;
    setReadOnly(false);
    fill($('record-note'), `正在更正第 ${id} 号记录：修改后点“记录决定”，另成一条记录，原记录不变。`);
    fill($('save-result'), );
    evaluate();
  }

  // ---- 历史 --------------------------------------------------------------------------------
  async function loadHistory(more) {
    const params = new URLSearchParams();
    const v = $('h-violation').value.trim();
    if (v) params.set('violation', v.toUpperCase());
    if ($('h-from').value) params.set('from', $('h-from').value);
    if ($('h-to').value) params.set('to', $('h-to').value);
    params.set('limit', String(HISTORY_PAGE));
    if (more && S.historyNext) params.set('after', S.historyNext);
    const { ok, doc } = await api('GET', '/decisions?' + params.toString());
    const list = $('history-list');
    if (!ok) {
      fill(list, el('p', { class: 'error' }, doc.error.message));
      return;
    }
    S.historyNext = doc.next;
    $('history-more').hidden = !doc.next;
    const rows = doc.records.map((r) => {
      const c = r.case || {};
      const party = c.facts && c.facts.party_type === 'unit' ? '单位' : c.facts && c.facts.party_type === 'individual' ? '公民' : '';
      const f = r.final || {};
      return el('tr', { 'data-record': r.id },
        el('td', {}, r.id), el('td', {}, localTime(r.recorded_at)), el('td', {}, c.violation || (c.violations || []).join('、')),
        el('td', {}, c.case_id || ''), el('td', {}, party),
        el('td', {}, V('outcomes', f.outcome)), el('td', {}, f.fine === null || f.fine === undefined ? '—' : yuan(f.fine)),
        el('td', {}, r.departures && r.departures.length ? '偏离' : '—'), el('td', {}, r.officer),
        el('td', {}, el('button', { type: 'button', 'data-open': r.id, onclick: () => reopen(r.id) }, '打开')));
    });
    const table = more && list.querySelector('tbody');
    if (table) {
      append(table, rows);
      return;
    }
    fill(list, rows.length ? el('table', {},
      el('thead', {}, el('tr', {}, ['编号', '记录时间', '违法行为', '案件编号', '当事人', '结果', '罚款', '偏离', '执法人员', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows)) : el('p', { class: 'hint' }, '没有符合条件的决定记录。'));
  }
  function showTab(which) {
    $('pane-case').hidden = which !== 'case';
    $('pane-history').hidden = which !== 'history';
    $('tab-case').setAttribute('aria-pressed', String(which === 'case'));
    $('tab-history').setAttribute('aria-pressed', String(which === 'history'));
    if (which === 'history') loadHistory(false);
  }

  // ---- 裁量说明（打印） --------------------------------------------------------------------
  function rows(pairs) {
    return el('table', {}, el('tbody', {}, pairs.filter(Boolean).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
  }
  /** Two label–value pairs a row: the facts take half the paper. */
  function pairs(list) {
    const trs = [];
    for (let i = 0; i < list.length; i += 2) {
      trs.push(el('tr', {}, list.slice(i, i + 2).map(([k, v]) => [el('th', {}, k), el('td', {}, v)])));
    }
    return el('table', { class: 'pairs' }, el('tbody', {}, trs));
  }
  function renderSheet() {
    const sheet = $('sheet');
    const d = S.decision;
    if (!S.form || !d) {
      fill(sheet, );
      return;
    }
    const rec = S.record;
    const facts = rec ? (rec.case.facts || {}) : readFacts().facts;
    const caseId = rec ? rec.case.case_id : $('case-id').value.trim();
    const party = facts.party_type;
    const given = S.form.facts.filter((f) => Object.prototype.hasOwnProperty.call(facts, f.name) && f.name !== 'party_type');
    const unknown = S.form.facts.filter((f) => !Object.prototype.hasOwnProperty.call(facts, f.name));
    const fin = rec ? rec.final : (() => { const p = proposed(); return p.error ? null : p; })();
    const rv = rec ? rec.review : S.review;
    const reason = rec ? rec.reason : $('reason').value.trim();
    const officer = rec ? rec.officer : $('officer-name').value.trim();
    const rs = d.ruleset || {};
    const statutory = party === 'unit' ? S.form.penalty.unit : party === 'individual' ? S.form.penalty.individual : penaltyWords(S.form.penalty);
    const applied = (list) => list && list.length ? el('ul', {}, list.map((a) => {
      const e = entryOf(a.id);
      return el('li', {}, `${V('lists', a.list)} ${a.id}「${a.title}」`, e && e.basis.length ? `，依据${e.basis.join('、')}` : '', e && e.source ? `（${e.source}）` : '');
    })) : '无';
    fill(sheet, 
      el('h1', {}, '行政处罚裁量说明'),
      rows([
        ['案件编号', caseId || '（未填写）'],
        ['决定记录', rec ? `第 ${rec.id} 号，${localTime(rec.recorded_at)}` : '（尚未记录）'],
        rec ? ['记录摘要', el('span', { class: 'digest' }, rec.digest || '')] : null,
        ['违法行为', `${S.form.code} ${S.form.title}`],
        S.form.breach ? ['违反', S.form.breach] : null,
        ['处罚依据', S.form.basis],
        ['法定处罚', statutory || ''],
        ['当事人类型', party ? factValueText(factOf('party_type'), party) : '未查明'],
      ]),
      el('section', {}, el('h2', {}, '一、查明的事实'),
        given.length ? pairs(given.map((f) => [f.label, factValueText(f, facts[f.name])])) : el('p', {}, '无'),
        unknown.length ? el('p', {}, '未查明：' + unknown.map((f) => f.label + (defaultHint(f) ? `（${defaultHint(f)}）` : '')).join('；')) : null),
      el('section', {}, el('h2', {}, '二、裁量建议及其依据'),
        rows([
          ['建议', outcomeText(d.outcome, d.mandatory)],
          d.not_applicable ? ['不适用的理由', d.not_applicable.message + (d.see_also && d.see_also.length ? `；可参见 ${d.see_also.join('、')}` : '')] : null,
          d.outcome === 'undetermined' ? ['须查明', d.needs.map(factLabel).join('；')] : null,
          PUNISHABLE.includes(d.outcome) ? ['罚款幅度', d.fine ? range(d.fine) : '不处罚款'] : null,
          PUNISHABLE.includes(d.outcome) && d.daily_fine ? ['按日连续处罚', dailyText(d.daily_fine)] : null,
          d.statutory ? ['法定幅度', range(d.statutory)] : null,
          PUNISHABLE.includes(d.outcome) ? ['处罚种类', d.penalties.length ? d.penalties.map(penaltyText).join('；') : '无'] : null,
          d.measures && d.measures.length ? ['措施', d.measures.map((m) => V('measures', m)).join('、')] : null,
          d.alternatives && d.alternatives.length ? ['可选的结果', d.alternatives.map((a) => `${outcomeText(a.outcome, a.mandatory)}，${a.fine ? range(a.fine) : '不处罚款'}`).join('；')] : null,
          ['依据', el('ol', {}, d.basis.map((b) => el('li', {}, b)))],
        ])),
      el('section', {}, el('h2', {}, '三、适用的情节'), rows([
        ['适用', applied(d.applied)],
        d.outweighed && d.outweighed.length ? ['被抵消', applied(d.outweighed)] : null,
      ])),
      el('section', {}, el('h2', {}, '四、执法人员的决定'), fin ? rows([
        ['处罚结果', V('outcomes', fin.outcome)],
        ['罚款', fin.fine === null || fin.fine === undefined ? '不处罚款' : yuan(fin.fine)],
        ['处罚种类', (fin.penalties || []).map((k) => V('penalties', k)).join('、') || '无'],
        rv ? ['审查', (rv.lawful ? '合法' : '不合法') + '；' + (rv.departs ? '偏离建议' : '符合建议') + (rv.findings.length ? '：' + rv.findings.join('；') : '')] : null,
        ['偏离说明', reason || (rv && rv.departs ? '（须填写）' : '无')],
        ['执法人员', officer || ''],
      ]) : el('p', {}, '尚未作出')),
      el('section', {}, el('h2', {}, '五、应当履行的程序'),
        el('ul', {}, procedureLines(rv ? rv.procedure : d.procedure).map((l) => el('li', {}, l))),
        rv && rv.requires.length ? el('p', {}, '并须：' + rv.requires.map((q) => V('requirements', q)).join('；')) : null),
      el('section', {}, el('h2', {}, '六、裁量基准'), rows([
        ['规则集', `${rs.name || ''}（版本 ${rs.version || ''}）`],
        ['规则集摘要', el('span', { class: 'digest' }, rs.digest || '')],
        rec ? ['引擎版本', 'caliper ' + rec.engine_version] : null,
      ])),
      el('div', { class: 'signatures' },
        el('div', {}, '承办人（签名）：'), el('div', {}, '日期：'),
        el('div', {}, '审核人（签名）：'), el('div', {}, '日期：'),
        el('div', {}, '法制审核人员（签名）：'), el('div', {}, '日期：'),
        el('div', {}, '行政机关负责人（签名）：'), el('div', {}, '日期：')),
      el('p', { class: 'foot' }, `打印于 ${new Date().toLocaleString('zh-CN', { hour12: false })}。本说明由裁量工作台根据案件事实和裁量基准生成，附卷备查。`));
  }

  // ---- 打开违法行为 --------------------------------------------------------------------------
  async function openViolation(code, carry, forRecord) {
    const kept = carry && S.form ? readFacts().facts : null;
    const { ok, doc } = await api('GET', '/violations/' + encodeURIComponent(code));
    if (!ok) {
      fill($('results'), el('p', { class: 'error' }, doc.error.message));
      return false;
    }
    S.form = doc;
    S.decision = null;
    S.review = null;
    S.record = null;
    S.corrects = null;
    S.officerTouched = false;
    remember(doc);
    // The list gives way to the form; typing in the search box brings it back.
    fill($('results'), el('p', { class: 'hint' }, `已选择 ${doc.code}；要换一项，请在上面重新查找。`));
    renderViolation();
    renderForm();
    $('case').hidden = false;
    $('officer').hidden = false;
    $('record-note').hidden = true;
    fill($('save-result'), );
    fill($('review'), );
    $('reason').value = '';
    $('reason').required = false;
    $('reason').removeAttribute('aria-invalid');
    $('final-fine').value = '';
    $('reason-required').hidden = true;
    setReadOnly(false);
    fill($('final-outcome'), ...PUNISHABLE.map((o) => el('option', { value: o }, V('outcomes', o))));
    renderKinds(null, []);
    if (kept) setFacts(kept);
    if (forRecord) return true;
    fill($('rec-body'), el('p', { class: 'empty' }, '正在计算……'));
    focusFact('party_type');
    S.changedAt = 0;
    await evaluate();
    return true;
  }
  function newCase() {
    S.form = null;
    S.decision = null;
    S.record = null;
    S.review = null;
    setReadOnly(false);
    $('case').hidden = true;
    $('officer').hidden = true;
    $('case-id').value = '';
    fill($('save-result'));
    $('record-note').hidden = true;
    delete document.body.dataset.reopened;
    fill($('rec-body'), el('p', { class: 'empty' }, '选择违法行为并填写案件事实后，这里显示裁量建议，随表单即时更新。'));
    $('rec-body').dataset.outcome = '';
    $('q').value = '';
    showRecent();
    renderSheet();
    $('q').focus();
  }

  // ---- 启动 --------------------------------------------------------------------------------
  async function start() {
    const [voc, rs] = await Promise.all([api('GET', '/vocabulary'), api('GET', '/ruleset')]);
    if (voc.ok) S.vocab = voc.doc;
    if (rs.ok) {
      S.ruleset = rs.doc;
      $('ruleset').textContent = `${rs.doc.name} · 版本 ${rs.doc.version}`;
      $('ruleset').title = '规则集摘要 ' + rs.doc.digest;
    } else {
      $('ruleset').textContent = '无法读取规则集：' + rs.doc.error.message;
    }
    $('q').addEventListener('input', () => later('search', TYPING_DELAY_MS, search));
    $('q').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(S.timers.search);
        search().then(() => {
          const first = document.querySelector('#results .hit');
          if (first) first.click();
        });
      }
    });
    $('facts').addEventListener('change', factChanged);
    $('facts').addEventListener('input', factChanged);
    $('facts').addEventListener('submit', (e) => e.preventDefault());
    $('case-id').addEventListener('input', () => renderSheet());
    $('final-outcome').addEventListener('change', officerChanged);
    $('final-fine').addEventListener('input', officerChanged);
    $('reason').addEventListener('input', () => renderSheet());
    $('officer-name').addEventListener('input', () => renderSheet());
    $('save').addEventListener('click', save);
    $('print').addEventListener('click', () => { renderSheet(); window.print(); });
    $('correct').addEventListener('click', correct);
    $('new-case').addEventListener('click', newCase);
    $('tab-case').addEventListener('click', () => showTab('case'));
    $('tab-history').addEventListener('click', () => showTab('history'));
    $('history-filter').addEventListener('submit', (e) => { e.preventDefault(); loadHistory(false); });
    $('history-more').addEventListener('click', () => loadHistory(true));
    showRecent();
    document.body.dataset.ready = 'true';
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
