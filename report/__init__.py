"""The report: results → Jinja → Markdown chapters → pandoc → PDF. It never trains."""
