//! The report page's style sheets: screen and print.
//!
//! Classes the sections share: `div.wide` (a table that may be wider than the page scrolls
//! sideways inside it), `.plot` (one figure), `.grid` (small multiples side by side), `td.name`
//! and `th.name` (left-aligned text), `.nowrap`, verdict cells `.better` `.worse` `.same`
//! (equivalent) `.open` (inconclusive), `.swatch` (a model's colour), `.muted`, `.no-print`
//! (hidden on paper). Text is never under 12 px on screen (`small` included). Checked in a
//! browser by `scripts/check-report-in-browser.py`.

/// Screen rules, then the print rules.
pub const CSS: &str = concat!(
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.2rem auto 2rem;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}h4{font-size:1rem;margin:1.2rem 0 .3rem}p.lead{color:#444}
a{color:#1a56a8}h2 a,h3 a,h4 a,th a{color:inherit;text-decoration:underline dotted;text-underline-offset:2px}
small{font-size:max(12px,.85em);color:#555}.muted{color:#555}.nowrap{white-space:nowrap}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:right;vertical-align:top}
th{background:#f3f4f6}td.name,th.name{text-align:left}
div.wide{overflow-x:auto;max-width:100%}div.wide>table{margin:.3rem 0}
.better{background:#e6f4ea}.worse{background:#fde8e8}.same{background:#f1f1f1}.open{background:#fff4d6}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:baseline}
.plot{margin:.8rem 0;overflow-x:auto}svg{max-width:100%;height:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:.6rem 1rem}.grid .plot{margin:0}
code{background:#f3f4f6;padding:0 .2rem;overflow-wrap:anywhere}
.fig{margin:.8rem 0}.fig svg{display:block;max-width:100%;height:auto}.fig.natural svg{max-width:none}figcaption{font-size:.85rem;color:#444;margin-top:.2rem}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr));gap:0 1.5rem;align-items:start}.figs .fig{margin:.4rem 0}
ul.plots li{margin:.15rem 0}ul.plots a{white-space:nowrap}
.wide{overflow-x:auto}details{margin:.4rem 0}details>summary{cursor:pointer}
table.raci{width:auto}table.raci td,table.raci th{text-align:center;white-space:nowrap;min-width:2.2rem}table.raci td.name,table.raci th.name{text-align:left;white-space:normal;min-width:9rem;max-width:18rem}
td.chg{background:#fff3cd;font-weight:600}td.borne{background:#fde8e8}td.unborne{background:#e6f4ea}td.unmeasured{background:#f6f6f6}
ul.policy{margin:.3rem 0 .8rem;font-size:.9rem}div.effect p{margin:.5rem 0 .2rem}
",
    // Paper: A4 or Letter, as the reader's printer has it. Tables in 8 pt whatever a section
    // sets, so that nothing is wider than the page (Chrome would shrink every page to fit the
    // widest table); no navigation chrome but the contents; a section per page; rows and
    // figures never split; colours kept even without "background graphics".
    "@media print{@page{margin:10mm}
body{margin:0;max-width:none;padding:0;font-size:10pt;color:#000}
a{color:inherit;text-decoration:none}h2 a,h3 a,h4 a,th a{text-decoration:none}
a[href^=\"http\"]::after{content:\" (\" attr(href) \")\";font-size:8pt;overflow-wrap:anywhere}
.no-print,nav:not(#contents){display:none}
section{break-before:page}section#plots,section#method,section#provenance{break-before:auto}
h2,h3,h4{break-after:avoid}h2{margin-top:0}
table{font-size:8pt!important}th,td{padding:1px 3px!important}thead{display:table-header-group}
tr,.plot,figure,svg,li{break-inside:avoid}
div.wide,.plot{overflow:visible}.grid{grid-template-columns:repeat(2,1fr)}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
small{font-size:max(7pt,.85em)}
table.raci td,table.raci th{white-space:normal;min-width:0!important}table.raci td.name,table.raci th.name{min-width:0!important}
pre,pre code{white-space:pre-wrap;overflow-wrap:anywhere}
.nowrap{white-space:normal!important}}"
);
