//! The report page's style sheets: screen and print.

pub const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}p.lead{color:#444}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:right;vertical-align:top}
th{background:#f3f4f6}td.name,th.name{text-align:left}
td.better{background:#e6f4ea}td.worse{background:#fde8e8}td.same{background:#f6f6f6}
.plot{margin:.8rem 0;overflow-x:auto}.plot svg{max-width:100%;height:auto}
.fig{margin:.8rem 0}.fig svg{display:block;max-width:100%;height:auto}.fig.natural svg{max-width:none}figcaption{font-size:.85rem;color:#444;margin-top:.2rem}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr));gap:0 1.5rem;align-items:start}.figs .fig{margin:.4rem 0}
.swatch{display:inline-block;width:.75em;height:.75em;margin-right:.35em;border-radius:2px}ul.plots li{margin:.15rem 0}ul.plots a{white-space:nowrap}
code{background:#f3f4f6;padding:0 .2rem}small{color:#555}";
