/// The page's stylesheet, inline: system fonts only (nothing to fetch), light colours, tables
/// that scroll sideways on a narrow screen, and a print layout without the page furniture.
enum HTMLStyle {
    static let css = """
        :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da;
                --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1100px; padding: 1.5rem 2rem 3rem; color: var(--ink); background: #fff;
               font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 1.6rem; margin: 0 0 .5rem; word-break: break-word; }
        h2 { font-size: 1.25rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
        h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
                    font-size: .86em; }
        code { background: var(--soft); padding: .05em .3em; border-radius: 4px; word-break: break-word; }
        pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem;
              overflow-x: auto; white-space: pre-wrap; word-break: break-all; max-height: 28rem; }
        .state { padding: .6rem .9rem; border-radius: 6px; border-left: 4px solid; margin: .4rem 0 1rem; }
        .state.done { border-color: var(--ok); background: #dafbe1; }
        .state.live { border-color: var(--accent); background: #ddf4ff; }
        .state.warn { border-color: var(--warn); background: #fff8c5; }
        .state.bad { border-color: var(--bad); background: #ffebe9; }
        nav.toc { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1.2rem .6rem;
                  margin-bottom: 1rem; }
        nav.toc h2 { font-size: 1rem; border: 0; margin: .6rem 0 .2rem; }
        nav.toc ol { margin: 0; padding-left: 1.3rem; }
        nav.toc ol ol { columns: 2; font-size: .92em; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.2rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        .winner { font-size: 1.08rem; }
        .side { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
        .scroll { overflow-x: auto; margin: .6rem 0; }
        table { border-collapse: collapse; font-size: .92em; font-variant-numeric: tabular-nums; }
        caption { text-align: left; color: var(--muted); font-size: .9em; padding-bottom: .2rem; }
        th, td { padding: .3rem .65rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { background: var(--soft); font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; }
        tbody tr:hover { background: #f3f6fa; }
        .badge { display: inline-block; padding: 0 .45em; border-radius: 1em; font-size: .82em; border: 1px solid; }
        .badge.ok { color: var(--ok); border-color: #aceebb; background: #dafbe1; }
        .badge.failed { color: var(--bad); border-color: #ffcecb; background: #ffebe9; }
        .badge.stopped { color: var(--warn); border-color: #f5e0a0; background: #fff8c5; }
        .badge.incomplete { color: var(--muted); border-color: var(--line); background: var(--soft); }
        .error { color: var(--bad); white-space: pre-wrap; }
        .note { color: var(--muted); font-size: .92em; }
        figure.plot { margin: 1.2rem 0 2rem; padding: .6rem .8rem; border: 1px solid var(--line); border-radius: 6px; }
        figure.plot h3 { margin-top: .2rem; }
        figure.plot svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
        figcaption { color: var(--muted); font-size: .92em; margin-top: .4rem; }
        footer { margin-top: 3rem; color: var(--muted); font-size: .85em; border-top: 1px solid var(--line);
                 padding-top: .6rem; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11pt; }
          nav.toc, footer { display: none; }
          a { color: inherit; }
          .scroll { overflow: visible; }
          pre { max-height: none; }
          figure.plot, table, .log { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
        }

        """
}
