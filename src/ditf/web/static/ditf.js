/* ditf: charts drawn as inline SVG from the JSON specs the pages embed; no libraries, no
   inline script (the Content-Security-Policy forbids it). Spec kinds: bars, intervals, lines
   (see ditf/web/_charts.py). */
"use strict";

(function () {
  const NS = "http://www.w3.org/2000/svg";
  const SERIES = 8; // colour classes s0..s7 in ditf.css

  function node(name, attrs, parent) {
    const el = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, String(value));
    if (parent) parent.appendChild(el);
    return el;
  }

  function text(parent, x, y, content, cls, anchor) {
    const el = node("text", { x: x, y: y, class: cls || "", "text-anchor": anchor || "start" }, parent);
    el.textContent = content;
    return el;
  }

  function tip(el, content) {
    node("title", {}, el).textContent = content;
  }

  function pct(value, digits) {
    return (100 * value).toFixed(digits === undefined ? 1 : digits) + "%";
  }

  function signed(value) {
    return (value >= 0 ? "+" : "") + value.toFixed(1);
  }

  /* 3 significant digits with k/M, e.g. 120000 -> "120k", 1250 -> "1.25k", 0.5 -> "0.5". */
  function compact(value) {
    const abs = Math.abs(value);
    const short = (v) => String(Number(v.toPrecision(3)));
    if (abs >= 1e6) return short(value / 1e6) + "M";
    if (abs >= 1e3) return short(value / 1e3) + "k";
    return short(value);
  }

  /* Round tick values covering [lo, hi]. */
  function ticks(lo, hi, count) {
    const span = hi - lo || 1;
    const raw = span / count;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= count) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }

  function logTicks(lo, hi) {
    const out = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e += 1) {
      for (const m of [1, 3]) {
        const v = m * Math.pow(10, e);
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  }

  /* The probability axis: from 0 to a round value above the data (at most 100%). */
  function probabilityTop(values) {
    const top = Math.max(0.05, ...values);
    return Math.min(1, Math.ceil(top * 1.1 * 10) / 10);
  }

  function frame(host, spec, height) {
    const width = Math.max(320, Math.min(host.clientWidth || 640, 960));
    const svg = node("svg", {
      viewBox: "0 0 " + width + " " + height,
      width: width,
      height: height,
      role: "img",
      "aria-label": spec.title,
      class: "plot",
    });
    host.appendChild(svg);
    const caption = document.createElement("figcaption");
    caption.textContent = spec.title;
    host.appendChild(caption);
    return { svg: svg, width: width, height: height };
  }

  function legend(host, names) {
    if (names.length < 2) return;
    const list = document.createElement("ul");
    list.className = "legend";
    names.forEach((name, i) => {
      const item = document.createElement("li");
      item.className = "s" + (i % SERIES);
      item.textContent = name;
      list.appendChild(item);
    });
    host.appendChild(list);
  }

  /* The left margin for category labels: as wide as the longest needs (about 6.4 px a
     character at 12 px), at most 45% of the chart; a longer label is cut with an ellipsis
     and keeps its whole text as a tooltip. */
  const CHAR = 6.4;
  function labelMargin(labels, width) {
    const longest = Math.max(0, ...labels.map((l) => l.length));
    return Math.round(Math.min(Math.max(80, longest * CHAR + 16), width * 0.45));
  }
  function categoryLabel(svg, x, y, label, room) {
    const most = Math.max(4, Math.floor(room / CHAR));
    const shown = label.length > most ? label.slice(0, most - 1) + "…" : label;
    const el = text(svg, x, y, shown, "label", "end");
    if (shown !== label) tip(el, label);
    return el;
  }

  /* Signed horizontal bars, e.g. probability points per mechanism. The scale spans at least
     MIN_SPAN points, so that a -0.2 point effect stays a short bar. */
  const MIN_SPAN = 5;
  function bars(host, spec) {
    const rowH = 30;
    const { svg, width } = frame(host, spec, spec.items.length * rowH + 30);
    const left = labelMargin(spec.items.map((d) => d.label), width);
    const values = spec.items.map((d) => 100 * d.value);
    let lo = Math.min(0, ...values);
    let hi = Math.max(0, ...values);
    if (hi - lo < MIN_SPAN) {
      if (hi > 0 || lo === 0) hi = lo + MIN_SPAN;
      else lo = hi - MIN_SPAN;
    }
    const pad = (hi - lo || 1) * 0.12;
    const x = (v) => left + ((v - (lo - (lo < 0 ? pad : 0))) / (hi - lo + pad * (lo < 0 ? 2 : 1))) * (width - left - 60);
    spec.items.forEach((d, i) => {
      const y = 10 + i * rowH;
      const v = values[i];
      categoryLabel(svg, left - 8, y + 15, d.label, left - 12);
      const x0 = x(0);
      const x1 = x(v);
      const bar = node("rect", {
        x: Math.min(x0, x1),
        y: y + 3,
        width: Math.max(1, Math.abs(x1 - x0)),
        height: rowH - 10,
        class: "bar " + (v >= 0 ? "pos" : "neg"),
      }, svg);
      tip(bar, d.label + ": " + signed(v) + " points");
      text(svg, v >= 0 ? x1 + 4 : x1 - 4, y + 15, signed(v), "value", v >= 0 ? "start" : "end");
    });
    node("line", { x1: x(0), x2: x(0), y1: 4, y2: spec.items.length * rowH + 14, class: "axis" }, svg);
  }

  /* A point with an interval per category; a series without bounds is drawn as a marker. */
  function intervals(host, spec) {
    const rowH = 34;
    const { svg, width } = frame(host, spec, spec.items.length * rowH + 44);
    const left = labelMargin(spec.items.map((d) => d.label), width);
    const all = spec.items.flatMap((d) => d.points.flat());
    const top = probabilityTop(all);
    const right = width - 20;
    const x = (v) => left + (v / top) * (right - left);
    const bottom = spec.items.length * rowH + 14;
    ticks(0, top, 5).forEach((t) => {
      node("line", { x1: x(t), x2: x(t), y1: 6, y2: bottom, class: "grid" }, svg);
      text(svg, x(t), bottom + 16, pct(t, 0), "tick", "middle");
    });
    spec.items.forEach((d, i) => {
      const y = 14 + i * rowH;
      categoryLabel(svg, left - 8, y + 12, d.label, left - 12);
      d.points.forEach((p, s) => {
        const cy = y + 6 + s * 10;
        const cls = "s" + (s % SERIES);
        const name = spec.series[s] || "";
        if (p.length >= 3) {
          node("line", { x1: x(p[1]), x2: x(p[2]), y1: cy, y2: cy, class: "ci " + cls }, svg);
          const dot = node("circle", { cx: x(p[0]), cy: cy, r: 5, class: "dot " + cls }, svg);
          tip(dot, d.label + ", " + name + ": " + pct(p[0]) + " (" + pct(p[1]) + " to " + pct(p[2]) + ")");
        } else {
          const mark = node("rect", { x: x(p[0]) - 5, y: cy - 5, width: 10, height: 10, class: "mark " + cls }, svg);
          tip(mark, d.label + ", " + name + ": " + pct(p[0]));
        }
      });
    });
    legend(host, spec.series);
  }

  /* Series over a numeric axis, with a band where points carry [x, y, lo, hi]. The y axis is
     a probability, or an amount when spec.y_kind is "value"; spec.markers draw vertical lines. */
  function lines(host, spec) {
    const left = 56;
    const money = spec.y_kind === "value";
    const markers = spec.markers || [];
    // Marker labels sit in a band of their own above the plot: never on the curve or on
    // one another.
    const band = 14 * markers.length;
    const topY = (money && spec.y_label ? 24 : 12) + band;
    const { svg, width, height } = frame(host, spec, 300 + band);
    const right = width - 16;
    const bottom = height - 44;
    const points = spec.series.flatMap((s) => s.points);
    const xs = points.map((p) => p[0]).concat(markers.map((m) => m.x));
    let x0 = Math.min(...xs);
    let x1 = Math.max(...xs);
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    const log = spec.log_x && x0 > 0;
    const sx = log ? (v) => Math.log10(v) : (v) => v;
    const x = (v) => left + ((sx(v) - sx(x0)) / (sx(x1) - sx(x0))) * (right - left);
    const values = points.flatMap((p) => p.slice(1)).concat((spec.guides || []).map((g) => g.y));
    let yLo = 0;
    let yHi = probabilityTop(values);
    if (money) {
      yLo = Math.min(0, ...values);
      yHi = Math.max(0, ...values);
      if (yHi === yLo) yHi = yLo + 1;
      const pad = (yHi - yLo) * 0.05;
      yHi += pad;
      if (yLo < 0) yLo -= pad;
    }
    const y = (v) => bottom - ((v - yLo) / (yHi - yLo)) * (bottom - topY);
    const yText = money ? (v) => compact(v) : (v) => pct(v, 0);
    ticks(yLo, yHi, 5).forEach((t) => {
      node("line", { x1: left, x2: right, y1: y(t), y2: y(t), class: "grid" }, svg);
      text(svg, left - 6, y(t) + 4, yText(t), "tick", "end");
    });
    if (money && spec.y_label) text(svg, left, 12, spec.y_label, "tick", "start");
    (log ? logTicks(x0, x1) : ticks(x0, x1, 6)).forEach((t) => {
      text(svg, x(t), bottom + 16, compact(t), "tick", "middle");
    });
    node("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "axis" }, svg);
    text(svg, (left + right) / 2, height - 6, spec.x_label + (log ? " (log scale)" : ""), "label", "middle");
    markers.forEach((m, i) => {
      const mx = x(m.x);
      const line = node("line", { x1: mx, x2: mx, y1: topY - band + 14 * i + 3, y2: bottom, class: "marker m" + i }, svg);
      tip(line, m.label + ": " + compact(m.x));
      const late = mx > (left + right) / 2;
      const words = m.label + " (" + compact(m.x) + ")";
      text(svg, late ? mx - 4 : mx + 4, topY - band + 14 * i + 11, words, "tick marker-label", late ? "end" : "start");
    });
    (spec.guides || []).forEach((g) => {
      const gy = y(g.y);
      node("line", { x1: left, x2: right, y1: gy, y2: gy, class: "guide" }, svg);
      text(svg, right - 4, gy - 4, g.label, "tick marker-label", "end");
    });
    spec.series.forEach((s, i) => {
      const cls = "s" + (i % SERIES);
      const pts = s.points.slice().sort((a, b) => a[0] - b[0]);
      if (pts.every((p) => p.length >= 4)) {
        const upper = pts.map((p) => x(p[0]) + "," + y(p[3]));
        const lower = pts.slice().reverse().map((p) => x(p[0]) + "," + y(p[2]));
        node("polygon", { points: upper.concat(lower).join(" "), class: "band " + cls }, svg);
      }
      node("polyline", { points: pts.map((p) => x(p[0]) + "," + y(p[1])).join(" "), class: "line " + cls }, svg);
      pts.forEach((p) => {
        const dot = node("circle", { cx: x(p[0]), cy: y(p[1]), r: 3, class: "dot " + cls }, svg);
        const shown = money ? compact(p[1]) + " " + (spec.y_label || "") : pct(p[1]);
        tip(dot, s.name + " at " + compact(p[0]) + ": " + shown);
      });
    });
    legend(host, spec.series.map((s) => s.name));
  }

  const DRAW = { bars: bars, intervals: intervals, lines: lines };

  function drawAll() {
    document.querySelectorAll("figure[data-chart]").forEach((host) => {
      const source = document.getElementById(host.dataset.chart);
      if (!source) return;
      const spec = JSON.parse(source.textContent);
      const draw = DRAW[spec.type];
      if (draw) draw(host, spec);
    });
    document.querySelectorAll("form[data-busy]").forEach((form) => {
      form.addEventListener("submit", () => form.classList.add("busy"));
    });
    document.querySelectorAll("button[data-add-row]").forEach(addRows);
    document.querySelectorAll("button[data-copy]").forEach(copyButton);
    document.querySelectorAll("button[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
    bringIntoView();
  }

  /* After a submit the page comes back from the server: bring what answers it into view (a
     form's error first, then the result), and move the keyboard focus there. On a phone the
     result sits below the form, thousands of pixels down. */
  function bringIntoView() {
    const target = document.querySelector("form .alert, main > .alert") ||
      document.querySelector("[data-result]");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  /* A button that copies the text of an element (the script) to the clipboard. */
  function copyButton(button) {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const lines = Array.from(source.querySelectorAll("li, p")).map((el) => el.textContent.trim());
      const content = lines.length ? lines.join("\n") : source.textContent.trim();
      navigator.clipboard.writeText(content).then(
        () => { button.textContent = "Copied"; },
        () => { button.textContent = "Copy failed: select the text instead"; },
      );
    });
  }

  /* A button that adds an empty copy of the last row of a list of form rows (the form works
     without it: it always has a few empty rows). */
  function addRows(button) {
    const list = document.getElementById(button.dataset.addRow);
    if (!list) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const rows = list.querySelectorAll(".row");
      const copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach((input) => { input.value = ""; });
      list.appendChild(copy);
      const first = copy.querySelector("input");
      if (first) first.focus();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
