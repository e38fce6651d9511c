//! The report page's style sheets: screen and print.

pub const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}p.lead{color:#444}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:right;vertical-align:top}
th{background:#f3f4f6}td.name,th.name{text-align:left}
td.better{background:#e6f4ea}td.worse{background:#fde8e8}td.same{background:#f6f6f6}
.plot{margin:.8rem 0;overflow-x:auto}.plot svg{max-width:100%;height:auto}
code{background:#f3f4f6;padding:0 .2rem}small{color:#555}
.wide{overflow-x:auto}details{margin:.4rem 0}details>summary{cursor:pointer}
table.raci{width:auto}table.raci td,table.raci th{text-align:center;white-space:nowrap;min-width:2.2rem}table.raci td.name,table.raci th.name{text-align:left;white-space:normal;min-width:9rem;max-width:18rem}
td.chg{background:#fff3cd;font-weight:600}td.borne{background:#fde8e8}td.unborne{background:#e6f4ea}td.unmeasured{background:#f6f6f6}
ul.policy{margin:.3rem 0 .8rem;font-size:.9rem}div.effect p{margin:.5rem 0 .2rem}";
