/* Mermaid, served by this site and loaded only on pages that have a diagram, and
 * a text alternative for every diagram. Checked by tests/browser.
 *
 * Material for MkDocs calls `mermaid.initialize()` and `mermaid.render()` on a
 * global `mermaid` when one exists, and otherwise fetches mermaid.min.js from
 * unpkg.com. This file defines that global: a stand-in that loads
 * ./mermaid.min.js (the npm release, see README.txt) on the first render, as
 * Material does with the CDN, so no page loads anything from another host and
 * pages without diagrams do not load Mermaid at all.
 *
 * Material draws each diagram into a *closed* shadow root on a <div class="mermaid">,
 * so nothing outside it, axe-core included, can read the SVG's text. Material calls
 * the `fn` of the render result with that shadow root: we mark its host as an image
 * labelled with a description read from the diagram's source ("Flowchart, bottom to
 * top: A → B; ..."). A diagram that sets `accTitle:` / `accDescr:` keeps its own words.
 */
(function () {
  "use strict";
  if (typeof mermaid !== "undefined" && !(mermaid instanceof Element)) return;

  var script = document.currentScript;
  var src = new URL("mermaid.min.js", script ? script.src : location.href).href;
  var config = null, loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = function () {
          var real = window.mermaid;  // mermaid.min.js replaces the global: put ours back
          window.mermaid = standIn;
          if (config) real.initialize(config);
          resolve(real);
        };
        tag.onerror = function () { loading = null; reject(new Error("could not load " + src)); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  var standIn = {
    initialize: function (options) {
      config = options;
      if (loading) loading.then(function (real) { real.initialize(options); });
    },
    render: function (id, text) {
      var args = arguments;
      return load().then(function (real) { return real.render.apply(real, args); }).then(function (result) {
        var label = describe(text), bind = result.bindFunctions;
        var out = Object.assign({}, result);
        out.fn = function (root) {
          var host = root && root.host ? root.host : root;
          if (host && host.setAttribute) {
            host.setAttribute("role", "img");
            host.setAttribute("aria-label", label);
          }
          if (bind) bind(root);
        };
        return out;
      });
    },
    describe: describe,
  };
  window.mermaid = standIn;

  var DIRECTION = { TB: "top to bottom", TD: "top to bottom", BT: "bottom to top",
                    LR: "left to right", RL: "right to left" };
  // A node: id, then optionally a shape holding a label (["..."], (("...")), {"..."}, [("...")], ...) and :::class
  var NODE = /^\s*([\w.-]+)\s*(?:(\[\(|\(\(|\[\[|\{\{|\[|\(|\{|>)\s*("([^"]*)"|[^\]\)\}]*?)\s*(\)\]|\)\)|\]\]|\}\}|\]|\)|\})\s*)?(?::::[\w-]+)?/;
  // An edge: -->, ---, -.->, ==>, optionally labelled (-- "text" -->, -- text -->, -->|text|)
  var EDGE = /^\s*(?:--\s*"([^"]*)"\s*-->|--\s*([^-"|>][^>]*?)\s*-->|(?:-->|---|-\.->|==>)(?:\s*\|([^|]*)\|)?)\s*/;

  function clean(text) {
    return text.replace(/<br\s*\/?>/gi, " ").replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim();
  }

  function describe(source) {
    var lines = String(source).split("\n").map(function (l) { return l.trim(); })
      .filter(function (l) { return l && l.indexOf("%%") !== 0; });
    var title = null, desc = null;
    lines.forEach(function (l) {
      var m = /^accTitle\s*:\s*(.*)$/.exec(l); if (m) title = m[1];
      m = /^accDescr\s*:\s*(.*)$/.exec(l); if (m) desc = m[1];
    });
    if (title || desc) return clean([title, desc].filter(Boolean).join(". "));

    if (/^sequenceDiagram\b/.test(lines[0] || "")) return describeSequence(lines.slice(1));
    var head = /^(?:graph|flowchart)\b\s*(\w*)/.exec(lines[0] || "");
    if (!head) return "Diagram: " + clean(lines.slice(0, 3).join("; "));
    var names = {}, edges = [];
    lines.slice(1).forEach(function (line) {
      if (/^(subgraph\b|end$|classDef |class |style |linkStyle |click |direction )/.test(line)) return;
      var rest = line, prev = null, label = null;
      while (rest) {
        var node = NODE.exec(rest);
        if (!node || !node[0]) return;
        var id = node[1];
        if (node[3] !== undefined) names[id] = clean(node[4] !== undefined ? node[4] : node[3]);
        if (prev !== null) edges.push([prev, id, label]);
        rest = rest.slice(node[0].length);
        var edge = rest && EDGE.exec(rest);
        if (!edge || !edge[0]) return;
        label = edge[1] || edge[2] || edge[3] || null;
        prev = id;
        rest = rest.slice(edge[0].length);
      }
    });
    var name = function (id) { return names[id] || id; };
    var parts = edges.map(function (e) {
      return name(e[0]) + " → " + name(e[1]) + (e[2] ? " (" + clean(e[2]) + ")" : "");
    });
    var kind = "Flowchart" + (DIRECTION[head[1]] ? ", " + DIRECTION[head[1]] : "");
    return kind + ": " + (parts.length ? parts.join("; ") : Object.keys(names).map(name).join("; ")) + ".";
  }

  // sequenceDiagram: participants, then each message and note in order.
  function describeSequence(lines) {
    var names = {}, order = [], steps = [];
    var name = function (id) { return names[id] || id; };
    lines.forEach(function (line) {
      var m = /^(?:participant|actor)\s+(\S+)(?:\s+as\s+(.+))?$/.exec(line);
      if (m) { names[m[1]] = clean(m[2] || m[1]); order.push(m[1]); return; }
      m = /^([^\s:+-][^:]*?)\s*(-{1,2}(?:>>|>|x|\)))\s*[+-]?\s*([^:]+?)\s*:\s*(.*)$/.exec(line);
      if (m) { steps.push(name(m[1]) + " → " + name(m[3]) + ": " + clean(m[4])); return; }
      m = /^note\s+(over|left of|right of)\s+([^:]+):\s*(.*)$/i.exec(line);
      if (m) {
        var who = m[2].split(",").map(function (id) { return name(id.trim()); }).join(" and ");
        steps.push("note " + m[1] + " " + who + ": " + clean(m[3]));
        return;
      }
      m = /^(loop|alt|else|opt|par|and|critical|break)\b\s*(.*)$/.exec(line);
      if (m) steps.push(m[1] + (m[2] ? " " + clean(m[2]) : ""));
    });
    var who = order.length ? " between " + order.map(name).join(", ") : "";
    return "Sequence diagram" + who + ": " + steps.join("; ") + ".";
  }
})();
