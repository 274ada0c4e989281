/* Readable report (issue 7): hash routing between the pages already in the file, member search and pagination,
   chart measure switch. Large reports: contribution pages built on demand from the JSON data block (parsed
   with JSON.parse, never executed). Data is only read from the DOM or that block; text is only written with
   textContent. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var lang = root.lang || "fr";
  var baseTitle = doc.title;
  var NAV = { "page-overview": "#/", "page-themes": "#/themes", "page-theme": "#/themes",
    "page-unclassified": "#/non-classees", "page-campaigns": "#/campagnes", "page-methodology": "#/methodologie",
    "page-review": "#/relecture" };
  root.classList.add("js");

  /* "{n|campagne|campagnes}": the form the count n takes (the singular below 2 in French, for 1 in English),
     "{n|aucune|une|{n}}" with a form for 0 first, as synthesis.plural.plural_forms reads it. */
  var PLURAL = /\{(\w+)\|((?:[^|{}]|\{\w+\})*)\|((?:[^|{}]|\{\w+\})*)(?:\|((?:[^|{}]|\{\w+\})*))?\}/g;
  function forms(template, values) {
    return template.replace(PLURAL, function (all, key, first, second, third) {
      if (!(key in values)) return all;
      var digits = String(values[key]).replace(/\D/g, "");
      var n = digits ? Number(digits) : 2;
      if (third !== undefined) {
        if (n === 0) return first;
        first = second; second = third;
      }
      return (lang === "fr" ? n < 2 : n === 1) ? first : second;
    });
  }
  function fmt(template, values) {
    var read;
    /* nested forms: the outer ones match once the inner ones are read */
    while ((read = forms(template, values)) !== template) template = read;
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }
  function number(n) { return Number(n).toLocaleString(lang); }
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  /* Contribution pages on demand (large reports): one section, refilled from the data block. */
  var dataEl = doc.getElementById("report-data");
  var dyn = doc.querySelector(".page-contribution[data-dynamic]");
  var data = null;
  var bySource = null;
  var PREFIX = "/contribution/";
  function loadData() {
    if (!data && dataEl) data = JSON.parse(dataEl.textContent);
    return data;
  }
  function make(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function link(route, text) {
    var a = make("a", null, text);
    a.setAttribute("href", "#" + route);
    return a;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var x = arguments[i];
      parent.appendChild(typeof x === "string" ? doc.createTextNode(x) : x);
    }
    return parent;
  }
  /* the contributions' words (texts, questions, theme labels) where their language is not the page's */
  var textLang = doc.querySelector("main").getAttribute("data-text-lang");
  function words(e) { if (textLang) e.lang = textLang; return e; }
  function themeLink(i) { return words(link(data.themes[i][0], data.themes[i][1])); }
  /* a reason naming themes « label »: each label marked as the contributions' words */
  function quotedWords(text) {
    var span = make("span");
    String(text).split(/(« [^»]* »)/).forEach(function (part, i) {
      if (part) add(span, i % 2 ? words(make("span", null, part)) : part);
    });
    return span;
  }
  function fact(dl, term, value, code, inWords) {
    var div = make("div");
    var dd = inWords ? words(make("dd")) : make("dd");
    add(dd, code ? make("code", null, value) : String(value));
    add(dl, add(div, make("dt", null, term), dd));
  }
  function diff(parts, S) {
    var span = make("span", "diff");
    parts.forEach(function (part, i) {
      var e = make(part[0] === "-" ? "del" : "ins");
      add(e, make("span", "sr-only", S[part[0] === "-" ? "diff.removed" : "diff.added"] + " "), words(make("span", null, part[1])));
      if (i) add(span, " ");
      add(span, e);
    });
    return span;
  }
  function crumbs(it, title, S) {
    var nav = make("nav", "crumbs");
    nav.setAttribute("aria-label", S.crumbs);
    var ol = make("ol");
    add(ol, add(make("li"), link("/", S["nav.overview"])));
    add(ol, add(make("li"), it.th !== undefined ? themeLink(it.th) : link("/non-classees", S["nav.unclassified"])));
    var here = make("span", null, title);
    here.setAttribute("aria-current", "page");
    add(ol, add(make("li"), here));
    return add(nav, ol);
  }
  function placement(box, it, S) {
    add(box, make("h3", null, S["contribution.where"]));
    if (it.th !== undefined) {
      var p = add(make("p", "placement ok"), S["contribution.in_theme"] + " ", themeLink(it.th));
      if (it.st !== undefined) add(p, ", " + S["contribution.in_subtheme"] + " ", themeLink(it.st));
      add(box, add(p, "."));
      var dl = make("dl", "facts");
      if (it.sim) fact(dl, S["why.similarity.long"], it.sim);
      fact(dl, S["why.strength"], it.str);
      fact(dl, S["why.keywords.long"], it.kw || S["why.keywords.none"], false, !!it.kw);
      add(box, dl);
    } else if (it.n !== undefined) {
      add(box, add(make("p", "placement noise", S["contribution.noise"] + data.colon), quotedWords(data.shared[it.n]), "."));
      if (it.nc !== undefined) {
        add(box, add(make("p"), S["contribution.closest"] + " ", themeLink(it.nc),
          " (" + S["why.similarity"] + " " + it.ns + "). " + S["contribution.closest.note"]));
      }
    } else if (it.x !== undefined) {
      add(box, make("p", "placement excluded", S["contribution.excluded"] + data.colon + data.shared[it.x] + "."));
    } else {
      add(box, make("p", "placement", S["contribution.unplaced"]));
    }
    if (it.qu) {
      var q = add(make("p"), S["contribution.quoted"] + " ");
      it.qu.forEach(function (i, k) { if (k) add(q, ", "); add(q, themeLink(i)); });
      add(box, add(q, "."));
    }
  }
  function flags(box, it, S) {
    add(box, make("h3", null, S["contribution.flags"]));
    if (!it.f && !it.cp && !it.w) { add(box, make("p", null, S["contribution.no_flags"])); return; }
    var ul = make("ul", "flags");
    (it.f || []).forEach(function (i) { add(ul, make("li", null, data.shared[i])); });
    (it.cp || []).forEach(function (cp) {
      var camp = data.campaigns[cp[0]];
      var li = add(make("li"), S["flagx.campaign"] + " ", link(camp[0], fmt(S["campaign.ref"], { id: camp[1] })));
      if (cp[1] !== null) add(li, " (" + S["why.similarity"] + " " + cp[1] + ")");
      if (cp[2]) add(li, " — " + S["campaign.diff"] + " ", diff(cp[2], S));
      add(ul, add(li, "."));
    });
    if (it.w) add(ul, make("li", null, it.w));
    add(box, ul);
  }
  function info(box, it, key, S) {
    if (it.t === undefined && !it.m && !it.e) return;
    add(box, make("h3", null, S["contribution.info"]));
    var dl = make("dl", "facts");
    fact(dl, S["info.source_id"], it.s, true);
    fact(dl, S["info.contribution_id"], it.id || key, true);
    if (it.a !== undefined) fact(dl, S["info.author_type"], data.shared[it.a]);
    if (it.z) fact(dl, S["info.zipcode"], it.z);
    if (it.d) fact(dl, S["info.created_at"], it.d);
    if (it.ch) fact(dl, S["info.channel"], it.ch);
    add(box, dl);
  }
  function fillContribution(key) {
    var S = loadData().strings;
    var it = Object.prototype.hasOwnProperty.call(data.items, key) ? data.items[key] : null;
    while (dyn.firstChild) dyn.removeChild(dyn.firstChild);
    var title = fmt(S["contribution.title"], { id: it ? it.s : "" });
    dyn.setAttribute("data-title", title);
    dyn.setAttribute("data-source-id", it ? it.s : "");
    if (it) add(dyn, crumbs(it, title, S));
    var h2 = make("h2", null, title);
    h2.tabIndex = -1;
    add(dyn, h2);
    if (!it) { add(dyn, make("p", null, S["contribution.dynamic.missing"])); return; }
    if (it.q !== undefined) add(dyn, add(make("p", "question", S.question + data.colon), words(make("span", null, data.shared[it.q]))));
    var shown = it.e ? null : it.m ? listedText(key) : it.t;
    var text = words(make("blockquote", "text main-text", shown));
    if (shown === undefined || shown === null) add(text, make("em", null, S[it.e ? "text.erased" : "text.missing"]));
    add(dyn, text);
    sameRow(dyn, dataRow(it, key));
    placement(dyn, it, S);
    flags(dyn, it, S);
    info(dyn, it, key, S);
  }
  /* The other answers the same row of the export gave (one per question), linked from each: built here, from
     the data block or from the pre-rendered pages of that row (adjacent in the file, so readable without the
     script), to keep the file light. */
  var sameRowText = doc.querySelector("main").getAttribute("data-same-row");
  function sameRow(box, row) {  /* row: [{route, question, current}] */
    if (row.length < 2 || box.querySelector("ul.same-row")) return;
    var where = box.querySelector("blockquote.main-text");
    var p = make("p", "same-row", fmt(sameRowText, { n: number(row.length) }));
    var ul = make("ul", "compact same-row");
    row.forEach(function (r) { add(ul, add(make("li"), words(r.current ? make("strong", null, r.question) : link(r.route, r.question)))); });
    where.parentNode.insertBefore(ul, where.nextSibling);
    where.parentNode.insertBefore(p, ul);
  }
  function dataRow(it, key) {
    return (findSource(it.s) || []).map(function (k) {
      var q = data.items[k].q !== undefined ? data.shared[data.items[k].q] : k;
      return { route: PREFIX + k, question: q, current: k === key };
    });
  }
  function pageRow(page) {
    var src = page.getAttribute("data-source-id");
    var pages = doc.querySelectorAll('.page-contribution:not([data-dynamic])[data-source-id="' + CSS.escape(src) + '"]');
    return Array.prototype.map.call(pages, function (el) {
      var q = el.querySelector("p.question span");
      return { route: el.id, question: q ? q.textContent : el.id, current: el === page };
    });
  }
  var listed = null;
  function listedText(key) {  /* the text shown in a theme's member list (written once in the file) */
    if (!listed) {
      listed = {};
      doc.querySelectorAll(".member-list > li .meta a").forEach(function (a) {
        var k = a.hasAttribute("data-c") ? a.getAttribute("data-c") : a.getAttribute("href").slice(1 + PREFIX.length);
        if (!listed[k]) listed[k] = a.closest("li");
      });
    }
    var li = Object.prototype.hasOwnProperty.call(listed, key) ? listed[key] : null;
    var q = li && li.querySelector("blockquote");
    return q ? q.textContent : null;
  }
  function findSource(value) {
    if (!loadData()) return null;
    if (!bySource) {
      bySource = {};
      Object.keys(data.items).forEach(function (k) {  /* a row's answers, in the report's order */
        var s = data.items[k].s;
        (Object.prototype.hasOwnProperty.call(bySource, s) ? bySource[s] : (bySource[s] = [])).push(k);
      });
    }
    return Object.prototype.hasOwnProperty.call(bySource, value) ? bySource[value] : null;
  }

  /* Routing: the hash is the id of a page (or of an element inside one). */
  var current = null;
  function resolve() {
    var raw = location.hash.replace(/^#/, "");
    var id = raw;
    try { id = decodeURIComponent(raw); } catch (e) { id = raw; }
    var el = doc.getElementById(id || "/");
    if (!el && dyn && dataEl && id.indexOf(PREFIX) === 0) {
      fillContribution(id.slice(PREFIX.length));
      return { page: dyn, target: null, refresh: true };
    }
    if (!el) return { page: doc.getElementById("/"), target: null, missing: id };
    var page = el.classList.contains("page") ? el : el.closest(".page");
    /* an anchor outside any page ("#contenu", the skip link's, in an address): the page shown stays, or the
       overview on opening, never none */
    if (!page) return { page: current || doc.getElementById("/"), target: el };
    return { page: page, target: page === el ? null : el };
  }
  function markNav(page) {
    var want = null;
    Object.keys(NAV).forEach(function (cls) { if (page.classList.contains(cls)) want = NAV[cls]; });
    doc.querySelectorAll("nav.site li a").forEach(function (a) {
      if (a.getAttribute("href") === want) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }
  /* A table wider than the screen scrolls on its own (a phone, a zoomed page): it takes the keyboard's focus,
     so that the arrow keys scroll it too, where a table without a link could not be scrolled without a mouse
     (WCAG 2.1.1; axe-core's scrollable-region-focusable). A table that fits is no tab stop. */
  function scrollables() {
    if (!current) return;
    current.querySelectorAll("table").forEach(function (table) {
      var wide = table.scrollWidth > table.clientWidth + 1;
      if (wide && !table.hasAttribute("tabindex")) {
        table.tabIndex = 0;
        table.setAttribute("data-scrolls", "");
      } else if (!wide && table.hasAttribute("data-scrolls")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scrolls");
      }
    });
  }
  /* once a frame at most: printing opens every folded block at once, each one a toggle */
  var measuring = false;
  function scrollablesSoon() {
    if (measuring) return;
    measuring = true;
    window.requestAnimationFrame(function () { measuring = false; scrollables(); });
  }
  window.addEventListener("resize", scrollablesSoon);
  doc.addEventListener("toggle", scrollablesSoon, true);  /* a folded table opened */
  var missingBox = doc.querySelector("[data-route-missing]");
  function show(focus) {
    var r = resolve();
    if (missingBox) { /* an address no page has (an old link): say so above the overview shown instead */
      missingBox.hidden = !r.missing;
      missingBox.textContent = r.missing ? fmt(missingBox.getAttribute("data-route-missing"), { route: "#" + r.missing }) : "";
    }
    if (r.page.classList.contains("page-contribution") && !r.page.hasAttribute("data-dynamic")) sameRow(r.page, pageRow(r.page));
    if (current !== r.page || r.refresh) {
      if (current) current.classList.remove("active");
      r.page.classList.add("active");
      current = r.page;
      markNav(r.page);
      doc.title = (r.page.getAttribute("data-title") || "") + " — " + baseTitle;
      scrollables();
    }
    if (r.target) {  /* a part of a page (a campaign, a question's non classées): the focus goes there too */
      r.target.scrollIntoView();
      if (focus) {
        if (!r.target.hasAttribute("tabindex")) r.target.tabIndex = -1;
        r.target.focus({ preventScroll: true });
      }
      return;
    }
    window.scrollTo(0, 0);
    if (focus) {
      var h = r.page.querySelector("h2");
      if (h) h.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", function () { show(true); });

  /* The skip link moves the focus to the content and leaves the address as it is: "#contenu" replaced the
     page's own address, so that a reload, a bookmark or a copied link showed no page at all. */
  var skip = doc.querySelector("a.skip");
  if (skip) {
    skip.addEventListener("click", function (ev) {
      var target = doc.getElementById(skip.getAttribute("href").slice(1));
      if (!target) return;
      ev.preventDefault();
      target.focus();
    });
  }

  /* Large reports: a contribution's link leads to the page built on demand; it gets its own address (to open,
     copy or share) once pointed at, pressed or focused, without a pass over every link of the file. */
  function ownAddress(ev) {
    var a = ev.target.closest ? ev.target.closest("a[data-c]") : null;
    if (a && a.getAttribute("href") === "#/contribution") a.setAttribute("href", "#" + PREFIX + a.getAttribute("data-c"));
  }
  /* and clicked: a screen reader's or a voice command's activation may come with no pointer nor focus event
     (it led to the page without a contribution) */
  ["mouseover", "mousedown", "touchstart", "focusin", "click"].forEach(function (type) {
    doc.addEventListener(type, ownAddress, { capture: true, passive: true });
  });

  /* Member lists: filter over the texts, then paginate. */
  function setupMembers(box) {
    var items = Array.prototype.slice.call(box.querySelectorAll(".member-list > li"));
    var folded = null;
    var size = parseInt(box.getAttribute("data-page-size"), 10) || 20;
    var input = box.querySelector("[data-filter]");
    var status = box.querySelector("[data-status]");
    var pager = box.querySelector("[data-pager]");
    var prev = box.querySelector("[data-prev]");
    var next = box.querySelector("[data-next]");
    var label = box.querySelector("[data-page-label]");
    var pageFmt = box.querySelector("[data-fmt-page]").getAttribute("data-fmt-page");
    var page = 0;
    /* paging: the status (a live region) names the page too, or a screen reader heard nothing of the list's
       change; a search says only its count (its first page) */
    function apply(paged) {
      var q = fold(input.value.trim());
      if (q && !folded) folded = items.map(function (li) {  /* the text and the source id, not the metadata */
        var text = li.querySelector("blockquote");
        var link = li.querySelector(".meta a");
        return fold((text ? text.textContent : "") + " " + (link ? link.textContent : ""));
      });
      var matched = [];
      items.forEach(function (li, i) {
        var ok = !q || folded[i].indexOf(q) !== -1;
        li.classList.toggle("is-filtered", !ok);
        if (ok) matched.push(li);
      });
      var pages = Math.max(1, Math.ceil(matched.length / size));
      page = Math.min(page, pages - 1);
      matched.forEach(function (li, i) {
        li.classList.toggle("is-paged", Math.floor(i / size) !== page);
      });
      var where = fmt(pageFmt, { page: number(page + 1), pages: number(pages) });
      status.textContent = fmt(box.getAttribute("data-fmt-status"),
        { shown: number(matched.length), total: number(items.length) }) + (paged ? " — " + where : "");
      pager.hidden = pages <= 1;
      label.textContent = where;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    /* a button the last or first page disables hands the focus to the other one (not to the page's top) */
    function keep(button, other) { if (button.disabled && doc.activeElement !== other) other.focus(); }
    input.addEventListener("input", function () { page = 0; apply(); });
    prev.addEventListener("click", function () { page -= 1; apply(true); keep(prev, next); });
    next.addEventListener("click", function () { page += 1; apply(true); keep(next, prev); });
    apply();
  }
  doc.querySelectorAll("[data-members]").forEach(setupMembers);

  /* Theme chart: bars in contributions, participants or weighted. */
  var fieldset = doc.querySelector("[data-measure]");
  function measure(name) {
    doc.querySelectorAll("table[data-chart]").forEach(function (table) {
      var max = parseFloat(table.getAttribute("data-max-" + name)) || 0;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var total = parseFloat(tr.getAttribute("data-" + name)) || 0;
        var own = name === "participants" ? total : parseFloat(tr.getAttribute("data-" + name + "-wo")) || 0;
        tr.querySelector(".stack").style.width = (max ? 100 * total / max : 0) + "%";
        tr.querySelector("[data-own]").style.width = (total ? 100 * own / total : 0) + "%";
        tr.querySelector("[data-campaign]").style.width = (total ? 100 * (total - own) / total : 0) + "%";
      });
    });
  }
  if (fieldset) {
    fieldset.hidden = false;
    fieldset.addEventListener("change", function (ev) { measure(ev.target.value); });
  }

  /* "Contribution n°" box: find a contribution by the identifier the export gave it. */
  var form = doc.querySelector("[data-goto]");
  if (form) {
    form.hidden = false;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var msg = form.querySelector("[data-goto-msg]");
      var input = form.querySelector("input");
      var value = input.value.trim();
      var hit = value && doc.querySelector('.page-contribution:not([data-dynamic])[data-source-id="' + CSS.escape(value) + '"]');
      var row = value && !hit && dataEl ? findSource(value) : null;
      var key = row ? row[0] : null;
      var found = hit || key !== null;
      /* an identifier no contribution has: the field says it is in error, its description (the message)
         why (RGAA 11.10), and keeps the focus to be corrected */
      msg.textContent = found ? "" : msg.getAttribute("data-notfound");
      if (found) input.removeAttribute("aria-invalid");
      else { input.setAttribute("aria-invalid", "true"); input.focus(); }
      if (hit) location.hash = "#" + hit.id;
      else if (found) location.hash = "#" + PREFIX + key;
    });
    form.querySelector("input").addEventListener("input", function (ev) { ev.target.removeAttribute("aria-invalid"); });
  }

  /* Printing: open every folded block. */
  window.addEventListener("beforeprint", function () {
    doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  show(false);
})();
