/* Gaps in the generated markup that axe-core finds (tests/browser), closed here:
 *
 * - Material's search overlay is a role="dialog" with no name: aria-label="Search".
 * - Each code block's copy button sits in a <nav>: dozens of unnamed navigation
 *   landmarks per page, noise for anyone who moves by landmarks. Those <nav>s get
 *   role="none"; the button in each keeps its name ("Copy to clipboard").
 * - A code block that scrolls sideways must take the keyboard focus, or it cannot be
 *   scrolled without a mouse. Material makes such blocks focusable when it mounts
 *   them, but misses those inside a tab that was hidden then, and notebook cells
 *   (mkdocs-jupyter) never are: they get tabindex="0" once they overflow (checked
 *   at load, on a tab switch, a <details> toggle and a resize).
 *
 * Material adds code-block controls as it mounts blocks, and again after each
 * instant-navigation page swap, so this watches the document rather than run once.
 */
(function () {
  "use strict";

  function fix() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "Search");
    });
    document.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (el) {
      el.setAttribute("role", "none");
    });
  }

  function focusScrollers() {
    document.querySelectorAll(".md-typeset pre > code:not([tabindex]), .jupyter-wrapper .highlight-ipynb:not([tabindex])")
      .forEach(function (el) {
        if (el.scrollWidth > el.clientWidth) el.setAttribute("tabindex", "0");
      });
  }

  function watch() {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
    focusScrollers();
    document.addEventListener("change", focusScrollers);        // tabs are radio buttons
    document.addEventListener("toggle", focusScrollers, true);  // <details>
    window.addEventListener("resize", focusScrollers);
    if (window.document$) window.document$.subscribe(focusScrollers);  // instant navigation
  }

  if (document.body) watch(); else document.addEventListener("DOMContentLoaded", watch);
})();
