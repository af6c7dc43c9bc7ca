"""``make preview``: serve the HTML report and rebuild it when a template, the metadata or the results change.

One process keeps the loaded results (and the intervals and tests computed on
them) between builds, so a template edit costs one render and one pandoc run.
The page asks the server for the build's number a few times a second and
reloads itself when it changes; a template or build error is shown in the
page, with the file and line, until the next save fixes it.
"""

from __future__ import annotations

import html
import http.server
import threading
import time
from functools import partial
from pathlib import Path

from experiments.results import ResultsError
from report.build import HTML_HEAD, BuildError, pandoc
from report.render import TemplateError, write_markdown
from report.runs import load_runs

#: Added to the page: poll the build's number, reload when it changes.
#: The page carries the number of the build it shows, so a build that lands before its first poll still reloads it.
BUILD_MARK = "__PREVIEW_BUILD__"
RELOAD = """<script>
(function () {
  var shown = "%s";
  setInterval(function () {
    fetch("/__build", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (build) {
      if (build !== shown) { location.reload(); }
    }).catch(function () {});
  }, 200);
})();
</script>
""" % BUILD_MARK


class Preview:
    """The report of one results set, rebuilt on demand into ``build_dir/preview.html``."""

    def __init__(self, templates_dir: Path, results_dir: Path, images_dir: Path, build_dir: Path, *,
                 set_name: str | None = None):
        self.templates_dir, self.results_dir, self.images_dir = templates_dir, results_dir, images_dir
        self.build_dir, self.set_name = build_dir, set_name
        self.root = images_dir.parent  # figure paths in the Markdown start here
        #: The number of the latest build and its page, replaced together so that they always agree.
        self.current: tuple[int, bytes] = (0, b"")
        self.runs = None
        (build_dir / "preview").mkdir(parents=True, exist_ok=True)
        (build_dir / "preview" / "reload.html").write_text(RELOAD, encoding="utf-8")

    def rebuild(self, *, results_changed: bool = True) -> float:
        """Render and convert; on an error, a page that shows it. Returns the seconds it took."""
        started = time.perf_counter()
        markdown, out = self.build_dir / "preview" / "report.md", self.build_dir / "preview" / "report.html"
        try:
            if results_changed or self.runs is None:
                self.runs = load_runs(self.results_dir)
            write_markdown(self.templates_dir, self.results_dir, self.images_dir, markdown, set_name=self.set_name,
                           runs=self.runs)
            pandoc(markdown, out, root=self.root, bibliography=self.templates_dir / "references.bib",
                   extra=["--standalone", "--mathml", "--to", "html5", "--include-in-header", str(HTML_HEAD),
                          "--include-after-body", str(self.build_dir / "preview" / "reload.html")])
            page = out.read_bytes()
        except (TemplateError, ResultsError, BuildError, OSError, ValueError) as err:
            page = error_page(err).encode("utf-8")
        number = self.current[0] + 1
        self.current = (number, page.replace(BUILD_MARK.encode(), str(number).encode()))
        return time.perf_counter() - started

    def serve(self, port: int) -> http.server.ThreadingHTTPServer:
        """Serve the page at ``/``, the figures from the results' root, the build's number at ``/__build``."""
        preview = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path in ("/", "/index.html"):
                    self._send(preview.current[1], "text/html; charset=utf-8")
                elif self.path == "/__build":
                    self._send(str(preview.current[0]).encode(), "text/plain")
                else:
                    super().do_GET()

            def _send(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # the terminal shows builds, not every poll
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(Handler, directory=str(self.root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def watch(self, stop: threading.Event | None = None, report=print) -> None:
        """Rebuild whenever a template, the metadata, the bibliography or a results file changes."""
        from watchfiles import watch

        for changes in watch(self.templates_dir, self.results_dir, debounce=50, step=20, stop_event=stop):
            results_changed = any(Path(path).is_relative_to(self.results_dir) for _, path in changes)
            seconds = self.rebuild(results_changed=results_changed)
            report(f"rebuilt in {seconds:.2f} s ({len(changes)} file(s) changed)")


def error_page(err: Exception) -> str:
    """What the browser shows while the report cannot build: the message, which names the file and line."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Report error</title></head><body>"
            f"<h1>The report could not be built</h1><pre id='error'>{html.escape(str(err))}</pre>"
            f"<p>Fix the file and save it: this page reloads by itself.</p>{RELOAD}</body></html>")
