/* Readable report (issue 7): hash routing between the pages already in the file, member search and pagination,
   chart measure switch. Data is only read from the DOM; text is only written with textContent. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var lang = root.lang || "fr";
  var baseTitle = doc.title;
  var NAV = { "page-overview": "#/", "page-themes": "#/themes", "page-theme": "#/themes",
    "page-unclassified": "#/non-classees", "page-campaigns": "#/campagnes", "page-methodology": "#/methodologie" };
  root.classList.add("js");

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }
  function number(n) { return Number(n).toLocaleString(lang); }
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  /* Routing: the hash is the id of a page (or of an element inside one). */
  var current = null;
  function resolve() {
    var raw = location.hash.replace(/^#/, "");
    var id = raw;
    try { id = decodeURIComponent(raw); } catch (e) { id = raw; }
    var el = doc.getElementById(id || "/");
    if (!el) return { page: doc.getElementById("/"), target: null };
    var page = el.classList.contains("page") ? el : el.closest(".page");
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
  function show(focus) {
    var r = resolve();
    if (!r.page) { /* a plain anchor outside any page (skip link): keep the page, move focus */
      var el = doc.getElementById(location.hash.slice(1));
      if (el) el.focus();
      return;
    }
    if (current !== r.page) {
      if (current) current.classList.remove("active");
      r.page.classList.add("active");
      current = r.page;
      markNav(r.page);
      doc.title = (r.page.getAttribute("data-title") || "") + " — " + baseTitle;
    }
    if (r.target) { r.target.scrollIntoView(); return; }
    window.scrollTo(0, 0);
    if (focus) {
      var h = r.page.querySelector("h2");
      if (h) h.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", function () { show(true); });

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
    function apply() {
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
      status.textContent = matched.length ? fmt(box.getAttribute("data-fmt-status"),
        { shown: number(matched.length), total: number(items.length) }) : box.getAttribute("data-fmt-empty");
      pager.hidden = pages <= 1;
      label.textContent = fmt(pageFmt, { page: number(page + 1), pages: number(pages) });
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    input.addEventListener("input", function () { page = 0; apply(); });
    prev.addEventListener("click", function () { page -= 1; apply(); });
    next.addEventListener("click", function () { page += 1; apply(); });
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
      var value = form.querySelector("input").value.trim();
      var hit = value && doc.querySelector('.page-contribution[data-source-id="' + CSS.escape(value) + '"]');
      if (hit) { msg.textContent = ""; location.hash = "#" + hit.id; }
      else msg.textContent = msg.getAttribute("data-notfound");
    });
  }

  /* Printing: open every folded block. */
  window.addEventListener("beforeprint", function () {
    doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  show(false);
})();
